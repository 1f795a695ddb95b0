"""The disclosure index table (元数据).

The index table comes in many layouts (FORMATS.md, "Page structure"): "key:value" lines, a 4-column
table flattened to "key | value | key | value", bullet lists, label and value on separate lines, empty
values, labels with spaces ("索 引 号"). All of them are read from lines of text, with table cells
separated by "|", by one token walker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import simplify

# field -> labels; longer labels first so 发文字号 wins over 文号.
_LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "索取号", "信息索引号"),
    "agency": (
        "发布机构",
        "发文机关",
        "发文机构",
        "发文单位",
        "发布单位",
        "公开责任部门",
        "公开主体",
        "生成机构",
    ),
    "doc_no": ("发文字号", "文件编号", "文号"),
    "written": ("成文日期", "生成日期", "印发日期", "成文时间"),
    "published": ("发布日期", "公开日期"),
    "topic": ("主题分类", "组配分类", "信息分类"),
    "source": ("信息来源", "来源"),
    "title": ("文件名称", "文件标题", "信息名称", "标题", "名称"),
    # Recognised only so their values do not spill into neighbours.
    "_other": (
        "有效性",
        "公开方式",
        "公开范围",
        "公开形式",
        "关键词",
        "主题词",
        "废止日期",
        "体裁分类",
        "时效性",
        "公开时限",
        "文种",
        "所属主题",
        "服务对象",
        "实施日期",
        "浏览次数",
        "访问次数",
        "发布时间",
        "公开时间",
        "更新时间",
    ),
}
_EMPTY_VALUES = {"无", "暂无", "-", "--", "—", "/", "\\", "空", "null", "none", "无文号"}


def _label_pattern(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_ALL = sorted(((lab, fld) for fld, labs in _LABELS.items() for lab in labs), key=lambda x: -len(x[0]))
_LABEL_OF = {lab: fld for lab, fld in _ALL}
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|•·●◆■▪\-*>]))("
    + "|".join(_label_pattern(lab) for lab, _ in _ALL)
    + r")\s*(?:[:：]\s*|(?=\s|$|\|))"
)
_BULLET_RE = re.compile(r"^[\s•·●◆■▪\-*>]+")
_MAX_VALUE = 80
_MAX_TITLE = 150


@dataclass
class IndexFields:
    index_no: str = ""
    agency: str = ""
    doc_no: str = ""
    written: str = ""
    published: str = ""
    topic: str = ""
    source: str = ""
    title: str = ""
    labelled_lines: set[int] = field(default_factory=set)  # line numbers that held index-table labels

    def get(self, name: str) -> str:
        return str(getattr(self, name))


def _tokens(lines: list[str]) -> list[tuple[int, str | None, str]]:
    """(line number, field or None for plain text, inline value) for every cell and label in `lines`."""
    out: list[tuple[int, str | None, str]] = []
    for n, line in enumerate(lines):
        for cell in line.split("|"):
            cell = _BULLET_RE.sub("", cell).strip()
            if not cell:
                continue
            # Traditional labels (mirror sites) match through `simplify`, which keeps positions.
            matches = list(_LABEL_RE.finditer(simplify(cell)))
            if not matches:
                out.append((n, None, cell))
                continue
            if matches[0].start() > 0:
                out.append((n, None, cell[: matches[0].start()].strip()))
            for i, m in enumerate(matches):
                end = matches[i + 1].start() if i + 1 < len(matches) else len(cell)
                label = re.sub(r"\s+", "", simplify(m.group(1)))
                out.append((n, _LABEL_OF[label], cell[m.end() : end].strip()))
    return out


_DATE_LIKE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]|^[〇零○O一二三四五六七八九]{4}年")
_DOC_NO_RE = re.compile(r"[〔\[﹝(（【]\s*(?:19|20)\d{2}\s*[〕\]﹞)）】]|\d+\s*号$")


def _plausible(name: str | None, value: str) -> bool:
    """Whether the line after an empty label can be its value (and is not the title or body)."""
    if value.lower() in _EMPTY_VALUES:
        return True
    if name == "doc_no":
        return bool(_DOC_NO_RE.search(value)) and len(value) <= 40
    if name == "index_no":
        return bool(re.search(r"\d", value)) and not re.search(r"[\u4e00-\u9fff]{4}", value)
    if name in ("published", "written"):
        return bool(_DATE_LIKE_RE.search(value)) and len(value) <= 30
    if name == "topic":
        return len(value) <= 20
    if name == "title":
        return 5 <= len(value) <= _MAX_TITLE and not _DATE_LIKE_RE.match(value)
    return len(value) <= 40 and not re.search(r"(?:19|20)\d{2}\s*年", value)


def _clean_value(value: str) -> str:
    value = value.strip().strip("[]【】").strip()
    return "" if value.lower() in _EMPTY_VALUES else value


def parse_index_table(lines: list[str]) -> IndexFields:
    """Read the index table from `lines` (table cells joined by "|"); the first value of each field wins."""
    fields = IndexFields()
    seen: set[str] = set()
    toks = _tokens(lines)
    i = 0
    while i < len(toks):
        n, name, value = toks[i]
        i += 1
        if name is None:
            continue
        fields.labelled_lines.add(n)
        if not value and i < len(toks) and toks[i][1] is None and toks[i][0] <= n + 1:
            if not _plausible(name, toks[i][2]):
                continue
            # Label and value in separate cells or on separate lines.
            value = toks[i][2]
            fields.labelled_lines.add(toks[i][0])
            i += 1
        if name in seen or name == "_other" or len(value) > (_MAX_TITLE if name == "title" else _MAX_VALUE):
            continue
        seen.add(name)
        setattr(fields, name, _clean_value(value))
    return fields
