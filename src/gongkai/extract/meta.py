"""The disclosure index table (元数据), page titles and agency names.

The index table comes in many layouts (FORMATS.md, "Page structure"): "key:value" lines, a 4-column
table flattened to "key | value | key | value", bullet lists, label and value on separate lines, empty
values, labels with spaces ("索 引 号"). All of them are read from lines of text, with table cells
separated by "|", by one token walker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import simplify, tidy_title

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
        "名称",
        "标题",
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


@dataclass
class IndexFields:
    index_no: str = ""
    agency: str = ""
    doc_no: str = ""
    written: str = ""
    published: str = ""
    topic: str = ""
    source: str = ""
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
        if name in seen or name == "_other" or len(value) > _MAX_VALUE:
            continue
        seen.add(name)
        setattr(fields, name, _clean_value(value))
    return fields


# --- titles -------------------------------------------------------------------------------------

_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|\s-\s|\s—\s|\s–\s|--)\s*")
_SITE_RE = re.compile(
    r"(?:门户网站|政府网|网站|首页|政务网|信息公开网|信息网|官网|官方网站|门户|^(?:.{1,20})人民政府$|^(?:.{1,20})政府$|政府信息公开$|信息公开专栏$|信息公开$)"
)


_LOOSE_SPLIT_RE = re.compile(r"\s*(?:-|—|–)\s*")


def clean_title(title: str) -> str:
    """Drop site-name suffixes and prefixes: "…年度报告_青溪区人民政府", "… - 白沙县门户网站", "…|…"."""
    title = re.sub(r"\s+", " ", title).strip()
    parts = [p.strip() for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) > 1:
        keep = [p for p in parts if not _SITE_RE.search(simplify(p))]
        title = max(keep, key=len) if keep else parts[0]
    # A bare hyphen is also used inside titles, so only a site-like end piece is cut off.
    pieces = _LOOSE_SPLIT_RE.split(title)
    if len(pieces) > 1:
        if _SITE_RE.search(simplify(pieces[-1])) and len(pieces[-1]) <= 20:
            title = title[: title.rfind(pieces[-1])].rstrip(" -—–")
        elif _SITE_RE.search(simplify(pieces[0])) and len(pieces[0]) <= 20:
            title = title[len(pieces[0]) :].lstrip(" -—–")
    return tidy_title(title)


# --- agencies -----------------------------------------------------------------------------------

_AGENCY_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|管理委员会|管委会|街道办事处|办事处|委员会|"
    r"办公室|办公厅|政府|局|委|厅|办|署|中心|院|所|站|街道|乡|镇|区|县|市|州|盟|旗|省)"
)
_AGENCY_FROM_TITLE_RE = re.compile(
    r"^(.{2,40}?" + _AGENCY_SUFFIX + r")\s*(?=(?:19|20)\d{2}\s*年|关于|政府信息公开|信息公开|政务公开|[《〈])"
)
_NOT_AGENCY = {"本站", "本网", "本站原创", "原创", "网站", "本网站", "未知", "其他", "无"}


def agency_from_title(title: str) -> str:
    """ "青溪区人民政府2019年政府信息公开工作年度报告" → "青溪区人民政府"; "白沙县财政局关于…" → "白沙县财政局"."""
    title = title.strip()
    m = _AGENCY_FROM_TITLE_RE.match(simplify(title))
    return title[: m.end(1)].strip() if m else ""


def clean_agency(value: str) -> str:
    value = re.sub(r"\s+", "", value or "").strip(" :：,，;；")
    if not value or value in _NOT_AGENCY or len(value) > 40:
        return ""
    return value
