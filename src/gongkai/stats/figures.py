"""Figures of an annual report: the statistics tables of the 2019+ template, or sentences of the old outline.

``extract_figures(doc) -> dict | None`` returns a JSON-serialisable record::

    {"template": "2019" | "2021" | "prose",
     "fields": {"requests.new.total": {"value": 12, "source": "一、本年新收… | 8 | 1 | … | 12"}, …},
     "notes": ["requests.result.disclosed: 5 numbers where 7 were expected; row skipped", …]}

or None when the document has no figures. A value the report leaves empty (``&nbsp;``, "—") is left
out, never stored as 0. Every value keeps the ``source`` text it was read from, an optional ``unit``
("元", "件", "万元") and ``approx: true`` for "33000余条".

Field names (English, dotted, stable)
-------------------------------------
Section 二, 2019 version (2019/2020 reports; ``template`` "2019"):
    proactive.rules.{made,published,total}           规章: 本年新制作数量 | 本年新公开数量 | 对外公开总数量
    proactive.normative.{made,published,total}       规范性文件
    proactive.licensing.{previous,change,decisions}  行政许可: 上一年项目数量 | 本年增/减 | 处理决定数量
    proactive.other_services.{previous,change,decisions}  其他对外管理服务事项
    proactive.penalties.{previous,change,decisions}  行政处罚
    proactive.enforcement.{previous,change,decisions}  行政强制
    proactive.fees.{previous,change}                 行政事业性收费: 上一年项目数量 | 本年增/减
    proactive.procurement.{projects,amount}          第(九)项 政府集中采购: 采购项目数量 | 采购总金额
Section 二, 2021 revision (``template`` "2021"):
    proactive.rules.{issued,repealed,in_force}       规章: 本年制发件数 | 本年废止件数 | 现行有效件数
    proactive.normative.{issued,repealed,in_force}   行政规范性文件
    proactive.licensing.decisions / proactive.penalties.decisions / proactive.enforcement.decisions
                                                     本年处理决定数量
    proactive.fees.amount                            本年收费金额 (unit 万元 unless the cell says otherwise)
Section 三, every row × the 7 applicant columns
``.{natural,business,research,public_interest,legal,other,total}``
(自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计):
    requests.new                                     一、本年新收
    requests.carried_over                            二、上年结转
    requests.result.disclosed                        三(一) 予以公开
    requests.result.partly_disclosed                 三(二) 部分公开
    requests.result.refused.{state_secret,prohibited,security,third_party,internal,process,case_files,queries}
                                                     三(三) 不予公开 1.–8.
    requests.result.unavailable.{not_held,needs_creation,unclear}        三(四) 无法提供 1.–3.
    requests.result.not_processed.{complaints,repeated,publications,excessive,confirmation}
                                                     三(五) 不予处理 1.–5.
    requests.result.other_handling                   三(六) 其他处理 (2019 version: one row)
    requests.result.other_handling.{no_correction,no_fee,misc}  三(六) 1.–3. (2021 revision)
    requests.result.{refused,unavailable,not_processed}.subtotal  a group row, when a report fills one
    requests.result.total                            三(七) 总计
    requests.carried_forward                         四、结转下年度继续办理
Section 四 (15 numbers), each ``.{upheld,corrected,other,pending,total}``
(结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计):
    appeals.review                                   行政复议
    appeals.litigation.direct                        行政诉讼 未经复议直接起诉
    appeals.litigation.after_review                  行政诉讼 复议后起诉
Old-outline prose (``template`` "prose"):
    proactive.items          主动公开政府信息 N 条
    requests.received        收到/受理 … 申请 N 件
    requests.answered        答复/办结 N 件
    requests.disclosed       同意公开/予以公开 N 件
    requests.partly_disclosed  部分公开 N 件
    requests.disclosed_or_partly  同意公开或部分公开 N 件 (one number for both: stored once, here only)
    requests.refused         不予公开/不同意公开 N 件
    appeals.review           行政复议 N 件/起 (0 for "没有发生…行政复议")
    appeals.litigation       行政诉讼 N 件/起
    appeals.review_or_litigation  行政复议和行政诉讼共 N 件 (one number for both; "各 N 件" gives each its own)

Sections read and not read
--------------------------
``unread`` lists the parts a report has — a section keyed ``requests`` (三 in the 2019+ template) or
``appeals`` (四) with text — that gave no figure at all (a table the reader could not follow, prose
without numbers). Such a report is flagged "figures not read" by the checks, never passed as
consistent; a section saying only "无" counts as read. The record then exists even without fields::

    {"template": "", "fields": {}, "notes": [], "unread": ["appeals"]}

How tables are read
-------------------
Layout is not trusted. The text (HTML tables flattened to "a | b | c" rows, text copies with spacer
cells and lone "|" lines, one cell per line, cells broken inside words, a whole report on one line,
PDF text) becomes one stream of tokens: text, number, empty cell. Consecutive text tokens form a
label; the numbers after it are that label's row. The label is matched against the template's row
names in template order (the row nearest the numbers wins: "三、本年度办理结果 | (一)予以公开 | 5"
is 予以公开), so sub-items numbered 1.–8. are told apart by their words, not their numbers.
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..models import Document

log = logging.getLogger(__name__)

REQUEST_COLUMNS = ("natural", "business", "research", "public_interest", "legal", "other", "total")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# --- tokens -------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(
    r"^(?P<sign>[+\-−－]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*"
    r"(?P<unit>万元|亿元|元|件|条|个|项|人次|次|份|篇|宗|起|家)?$"
)
_UNIT_ONLY = frozenset(["万元", "亿元", "元", "件", "条", "个", "项", "人次", "次", "份", "篇", "宗", "起", "家"])
_EMPTY_CELLS = frozenset(["", "-", "—", "–", "——", "/", "／", "\\", "无", "空", "－", "—/—"])
_CJK = "\u3400-\u9fff"


@dataclass
class _Tok:
    kind: str  # "T" text, "N" number, "E" empty cell
    text: str
    value: int | float | None = None
    unit: str = ""


@dataclass
class _Row:
    parts: list[str]  # the label's text tokens, in order
    run: list[_Tok] = field(default_factory=list)  # numbers and empty cells after the label

    @property
    def label(self) -> str:
        return "".join(self.parts)

    @property
    def nums(self) -> list[_Tok]:
        return [t for t in self.run if t.kind == "N"]


# Traditional characters of the table labels that the shared table (extract.text.simplify) lacks.
_TRAD_EXTRA = str.maketrans(
    "請訟維糾繼製廢現內條項規範強採購額補確舉報檔歸許罰種門聞屬覆礎讀問網獲終盡",
    "请讼维纠继制废现内条项规范强采购额补确举报档归许罚种门闻属复础读问网获终尽",
)


_TRAD_EXTRA_CHARS = re.compile("[" + "".join(map(chr, _TRAD_EXTRA)) + "]")


def _prepare(text: str) -> str:
    """NFKC (full-width digits, brackets, colons → ASCII) and traditional → simplified for our words."""
    from ..extract.text import simplify, translate_found  # the shared one-for-one table

    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = simplify(text.replace("\xa0", " ").replace("\u3000", " "))
    return translate_found(text, _TRAD_EXTRA_CHARS, _TRAD_EXTRA)


def _number(cell: str) -> _Tok | None:
    m = _NUMBER_RE.match(cell)
    if not m:
        return None
    digits = m.group("int").replace(",", "")
    value: int | float = float(f"{digits}.{m.group('frac')}") if m.group("frac") else int(digits)
    if m.group("sign") in ("-", "−", "－"):
        value = -value
    return _Tok("N", cell, value, m.group("unit") or "")


def _classify(cell: str, in_pipe_row: bool) -> list[_Tok]:
    cell = cell.strip()
    if cell in _EMPTY_CELLS and (in_pipe_row or cell):
        return [_Tok("E", cell)]
    tok = _number(cell)
    if tok is not None:
        return [tok]
    if " " in cell:
        out: list[_Tok] = []
        for piece in cell.split():
            out.extend(_classify(piece, False))
        return out
    return [_Tok("T", cell)]


def tokenize(text: str) -> list[_Tok]:
    """The token stream of prepared text (see the module docstring)."""
    out: list[_Tok] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line.strip("| "):
            continue  # lone "|" lines are table borders, not cells
        if "|" in line:
            cells = line.split("|")
            for cell in cells:
                out.extend(_classify(cell, True))
        else:
            for piece in line.split():
                out.extend(_classify(piece, False))
    # A measure word split off its number by a space ("5620 件") belongs to the number.
    merged: list[_Tok] = []
    for tok in out:
        if tok.kind == "T" and tok.text in _UNIT_ONLY and merged and merged[-1].kind == "N" and not merged[-1].unit:
            merged[-1].unit = tok.text
            merged[-1].text += tok.text
            continue
        merged.append(tok)
    return merged


def rows_of(tokens: list[_Tok]) -> list[_Row]:
    """Group the stream into (label, numbers) rows. A run of empty cells only is no row: its label
    carries on into the next label, so "(六)其他处理 | | |" then "(七)总计 | 22 …" reads as 总计."""
    rows: list[_Row] = []
    parts: list[str] = []
    run: list[_Tok] = []

    def close() -> None:
        nonlocal parts, run
        if any(t.kind == "N" for t in run):
            rows.append(_Row(parts, run))
            parts = []
        run = []

    for tok in tokens:
        if tok.kind == "T":
            if run:
                close()
            parts.append(tok.text)
        else:
            run.append(tok)
    if run:
        close()
    return rows


def _pick(run: list[_Tok], expected: int) -> list[_Tok | None] | None:
    """The `expected` cells of a row, None for an empty cell; None when the row cannot be read.

    Spacer cells (the empty cells text copies put after the label) come first, so when there
    are exactly `expected` numbers they are the row; otherwise cells are taken from the right.
    """
    nums = [t for t in run if t.kind == "N"]
    if len(nums) == expected:
        return list(nums)
    if len(run) == expected:
        return [t if t.kind == "N" else None for t in run]
    stripped = list(run)
    while stripped and stripped[-1].kind == "E":
        stripped.pop()
    if len(nums) > expected and all(t.kind == "N" for t in stripped[:expected]):
        return list(stripped[:expected])  # numbers of an unlabelled row follow: take the first
    if len(stripped) >= expected:
        return [t if t.kind == "N" else None for t in stripped[-expected:]]
    return None


# --- the template -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RowSpec:
    key: str
    pattern: re.Pattern[str]
    columns: tuple[str, ...]
    max_tail: int = 45  # how much text may follow the row name in its label
    units: tuple[str, ...] = ()  # default unit per column ("" = none)


def _spec(key: str, pattern: str, columns: tuple[str, ...], max_tail: int = 45,
          units: tuple[str, ...] = ()) -> _RowSpec:
    return _RowSpec(key, re.compile(pattern), columns, max_tail, units)


_P19 = ("made", "published", "total")
_P19_ITEMS = ("previous", "change", "decisions")
_P21 = ("issued", "repealed", "in_force")

_PROACTIVE = {
    "2019": [
        _spec("proactive.rules", r"规章", _P19, 4),
        _spec("proactive.normative", r"规范性文件", _P19, 4),
        _spec("proactive.licensing", r"行政许可", _P19_ITEMS, 4),
        _spec("proactive.other_services", r"其他对外管理服务事项|对外管理服务", _P19_ITEMS, 4),
        _spec("proactive.penalties", r"行政处罚", _P19_ITEMS, 4),
        _spec("proactive.enforcement", r"行政强制", _P19_ITEMS, 4),
        _spec("proactive.fees", r"行政事业性收费", ("previous", "change"), 4),
        _spec("proactive.procurement", r"政府集中采购", ("projects", "amount"), 4),
    ],
    "2021": [
        _spec("proactive.rules", r"规章", _P21, 4),
        _spec("proactive.normative", r"规范性文件", _P21, 4),
        _spec("proactive.licensing", r"行政许可", ("decisions",), 4),
        _spec("proactive.penalties", r"行政处罚", ("decisions",), 4),
        _spec("proactive.enforcement", r"行政强制", ("decisions",), 4),
        _spec("proactive.fees", r"行政事业性收费", ("amount",), 4, ("万元",)),
    ],
}

_R = REQUEST_COLUMNS
_REQUESTS = [
    _spec("requests.new", r"本年新收", _R),
    _spec("requests.carried_over", r"上年结转", _R),
    _spec("requests.result.disclosed", r"予以公开", _R),
    _spec("requests.result.partly_disclosed", r"部分公开", _R),
    _spec("requests.result.refused.subtotal", r"不予公开", _R, 6),
    _spec("requests.result.refused.state_secret", r"国家秘密", _R),
    _spec("requests.result.refused.prohibited", r"法律行政法规禁止|禁止公开", _R),
    _spec("requests.result.refused.security", r"三安全一稳定|三安全|一稳定", _R),
    _spec("requests.result.refused.third_party", r"第三方", _R),
    _spec("requests.result.refused.internal", r"内部事务", _R),
    _spec("requests.result.refused.process", r"过程性信息", _R),
    _spec("requests.result.refused.case_files", r"行政执法案卷", _R),
    _spec("requests.result.refused.queries", r"行政查询", _R),
    _spec("requests.result.unavailable.subtotal", r"无法提供", _R, 6),
    _spec("requests.result.unavailable.not_held", r"不掌握", _R),
    _spec("requests.result.unavailable.needs_creation", r"另行制作", _R),
    _spec("requests.result.unavailable.unclear", r"仍不明确|内容不明确", _R),
    _spec("requests.result.not_processed.subtotal", r"不予处理", _R, 6),
    _spec("requests.result.not_processed.complaints", r"信访|举报投诉", _R),
    _spec("requests.result.not_processed.repeated", r"重复申请", _R),
    _spec("requests.result.not_processed.publications", r"公开出版物", _R),
    _spec("requests.result.not_processed.excessive", r"大量反复", _R),
    _spec("requests.result.not_processed.confirmation", r"重新出具|确认或", _R),
    _spec("requests.result.other_handling", r"其他处理", _R, 6),
    _spec("requests.result.other_handling.no_correction", r"不补正", _R),
    _spec("requests.result.other_handling.no_fee", r"缴纳费用|收费通知", _R),
    _spec("requests.result.other_handling.misc", rf"(?:^|[^{_CJK}])其他$", _R, 0),
    _spec("requests.result.total", r"七\)?\s*[、.]?\s*总计", _R, 2),
    _spec("requests.carried_forward", r"结转下年度|下年度继续办理", _R),
]
_APPEALS = [
    _spec("appeals.review", r"行政复议$", APPEAL_COLUMNS, 0),
    _spec("appeals.litigation.direct", r"直接起诉\)?$", APPEAL_COLUMNS, 0),
    _spec("appeals.litigation.after_review", r"复议后起诉\)?$", APPEAL_COLUMNS, 0),
]
_APPEAL_NAMES = ("行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉")
_APPEALS_HEAD = re.compile(r"行政复议|行政诉讼|结果维持|尚未审结")
_TABLE2_HEAD = re.compile(r"第二十条|信息内容|本年新制作数量|本年制发件数")

_MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正",
                 "缴纳费用")
_MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
                 "政府集中采购", "采购总金额")


def template_version(text: str, year: int | None) -> str:
    """"2019" (2019/2020 columns) or "2021" (the 2021 revision), from the column headers; the year breaks ties."""
    new = sum(text.count(m) for m in _MARKERS_2021)
    old = sum(text.count(m) for m in _MARKERS_2019)
    if new != old:
        return "2021" if new > old else "2019"
    return "2021" if (year or 0) >= 2021 else "2019"


def _match(spec: _RowSpec, label: str) -> int | None:
    """How much label text follows the row name (smaller = nearer the numbers), or None."""
    best: int | None = None
    for m in spec.pattern.finditer(label):
        best = len(label) - m.end()
    if best is None:
        return None
    tail = label[len(label) - best:] if best else ""
    if best > spec.max_tail or "。" in tail:
        return None
    return best


def _short(label: str, parts: list[str], start: int) -> str:
    """The label as printed in a source: from the text token where the row name starts."""
    pos = 0
    for i, p in enumerate(parts):
        if pos + len(p) > start:
            return "".join(parts[i:])
        pos += len(p)
    return label[start:]


class _Fields:
    def __init__(self) -> None:
        self.fields: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []

    def put(self, key: str, tok: _Tok, source: str, unit: str = "", approx: bool = False) -> None:
        if key in self.fields or tok.value is None:
            return
        rec: dict[str, Any] = {"value": tok.value, "source": source}
        if tok.unit or unit:
            rec["unit"] = tok.unit or unit
        if approx:
            rec["approx"] = True
        self.fields[key] = rec


def _source(name: str, cells: list[_Tok | None]) -> str:
    return " | ".join([name, *("" if c is None else c.text for c in cells)])


def _store_row(out: _Fields, spec: _RowSpec, name: str, cells: list[_Tok | None]) -> None:
    source = _source(name, cells)
    for i, (col, cell) in enumerate(zip(spec.columns, cells, strict=True)):
        if cell is not None:
            out.put(f"{spec.key}.{col}", cell, source, spec.units[i] if i < len(spec.units) else "")


def _read_tables(text: str, version: str) -> _Fields:
    out = _Fields()
    specs = [*_PROACTIVE[version], *_REQUESTS, *_APPEALS]
    n_proactive = len(_PROACTIVE[version])
    cursor = 0
    table2_seen = False
    appeals_done = False
    for row in rows_of(tokenize(text)):
        label = row.label
        if not table2_seen and _TABLE2_HEAD.search(label):
            table2_seen = True
        # Section 四: the header, then one row of 15 numbers.
        if not appeals_done and len(row.nums) >= 15 and _APPEALS_HEAD.search(label[-200:]):
            cells = _pick(row.run, 15)
            if cells is not None:
                for j, (spec, name) in enumerate(zip(_APPEALS, _APPEAL_NAMES, strict=True)):
                    _store_row(out, spec, name, cells[j * 5:(j + 1) * 5])
                appeals_done = True
                cursor = len(specs)
                continue
        best: tuple[int, int, re.Match[str] | None] | None = None
        for idx in range(cursor, len(specs)):
            spec = specs[idx]
            if idx < n_proactive and not table2_seen:
                continue
            tail = _match(spec, label)
            if tail is not None and (best is None or tail < best[0]):
                best = (tail, idx, None)
        if best is None:
            continue
        idx = best[1]
        spec = specs[idx]
        cells = _pick(row.run, len(spec.columns))
        if cells is None:
            out.notes.append(f"{spec.key}: {len(row.nums)} numbers where {len(spec.columns)} were expected; "
                             f"row skipped")
            continue
        starts = [m.start() for m in spec.pattern.finditer(label)]
        start = starts[-1] if starts else 0
        _store_row(out, spec, _short(label, row.parts, start), cells)
        cursor = idx + 1
        if spec.key.startswith("appeals."):
            appeals_done = True
    return out


# --- prose (old outline) ------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int | None:
    """"十二" → 12, "一百零五" → 105, "三万二千" → 32000, "二〇" → 20 (digit by digit); None if not a numeral."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS and c != "万" for c in text):
        return None
    if all(c in _CN_DIGITS for c in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


# (The look-ahead lets a search skip to the next digit or numeral: the engine does not look inside the
# group for it, and a pattern that starts with a number was tried at every character, 60 % of the time of
# reading a report's prose. The runs are possessive: nothing that may follow a number is a digit or a numeral.)
_NUMERALS = "零〇一二两三四五六七八九十百千万"
_UNITS = "件条份次宗起篇项"  # the units of a counted figure
_NUM = rf"(?=[\d{_NUMERALS}])(?P<n>\d++(?:\.\d+)?|[{_NUMERALS}]++)"
_MW = rf"\s*(?P<a>余|多)?\s*(?P<u>{'|'.join(_UNITS)})"
_GAP = r"[^。;,\d]{0,%d}?"
_NEG = r"(?:没有|未|无|零)"

# A number that covers two categories ("同意公开或部分公开17件", "行政复议和行政诉讼共2件") is one figure of the
# combined category, read before (and hidden from) the single categories, so it is never copied into both.
_COMBINED: list[tuple[str, list[str]]] = [
    ("requests.disclosed_or_partly", [
        rf"(?:(?<!不)同意公开|予以公开|全部公开)(?:或者|或|和|及|与|、)(?:同意)?部分(?:同意)?公开(?:的|数为|数|为|共|合计)?"
        rf"{_GAP % 6}{_NUM}{_MW}",
        rf"{_NUM}{_MW}(?:为|属于)?(?:同意公开|予以公开)(?:或者|或|和|及|与|、)部分公开",
    ]),
    ("appeals.review_or_litigation", [
        rf"行政复议(?:和|及|与|、|或)行政诉讼{_GAP % 6}(?:共|合计|共计|总计){_NUM}{_MW}",
    ]),
]
_PROSE: list[tuple[str, list[str]]] = [*_COMBINED,
    ("proactive.items", [
        rf"主动公开{_GAP % 15}(?:共|计|达)?{_NUM}\s*(?P<a>余|多)?\s*(?P<u>条|件|篇)",
        rf"(?:共|累计|全年)公开(?:各类)?政府信息{_GAP % 6}{_NUM}\s*(?P<a>余|多)?\s*(?P<u>条|件|篇)",
    ]),
    ("requests.received", [
        rf"(?:收到|受理|接到|接收|新收){_GAP % 20}申请{_GAP % 8}(?:共|计|数为|数量为|总数为|为)?{_NUM}{_MW}",
        rf"依申请公开(?:政府信息)?{_GAP % 6}(?:共|计)?{_NUM}{_MW}",
    ]),
    ("requests.answered", [
        rf"(?:答复|办结|回复)(?:数为|数量为|数|了)?{_GAP % 8}(?:共|计|为)?{_NUM}{_MW}",
    ]),
    ("requests.disclosed", [
        rf"(?:(?<!不)同意公开|予以公开|准予公开|全部公开)(?:的|数为|数|为|共|信息)?{_GAP % 6}{_NUM}{_MW}",
        rf"{_NUM}{_MW}(?:为|属于)?(?:(?<!不)同意公开|予以公开|全部公开)",
    ]),
    ("requests.partly_disclosed", [
        rf"部分公开(?:的|数为|数|为|共)?{_GAP % 6}{_NUM}{_MW}",
        rf"{_NUM}{_MW}(?:为|属于)?(?:同意)?部分公开",
    ]),
    ("requests.refused", [
        rf"(?:不予公开|不同意公开|不予以公开)(?:的|数为|数|为|共)?{_GAP % 6}{_NUM}{_MW}",
        rf"{_NUM}{_MW}(?:为|属于)?(?:不予公开|不同意公开)",
    ]),
    ("appeals.review", [
        rf"行政复议(?:申请)?{_GAP % 10}(?:共|计|为)?{_NUM}{_MW}",
        rf"行政复议[、和及与]行政诉讼{_GAP % 6}(?:各|均为|均|都为|都是){_NUM}{_MW}",
        rf"{_NUM}{_MW}行政复议",
    ]),
    ("appeals.litigation", [
        rf"行政诉讼{_GAP % 10}(?:共|计|为)?{_NUM}{_MW}",
        rf"行政复议[、和及与]行政诉讼{_GAP % 6}(?:各|均为|均|都为|都是){_NUM}{_MW}",
        rf"{_NUM}{_MW}行政诉讼",
    ]),
]

try:  # the standard library's own regex parser (private: where it is missing, every sentence is searched)
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None


def _literal_runs(items: list[Any]) -> list[str]:
    runs, run = [], ""
    for op, av in items:
        if op is _sre.LITERAL:
            run += chr(av)
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


def _needs(items: list[Any]) -> list[tuple[str, ...]]:
    """Sets of strings of which every match of the parsed pattern ``items`` holds one: each run of
    literal characters, each group's (its items are required too), and a top-level alternation's
    one run per branch."""
    out: list[tuple[str, ...]] = [(run,) for run in _literal_runs(items)]
    for op, av in items:
        if op is _sre.SUBPATTERN and not av[1]:  # (a group with flags of its own, such as (?i:…), is left out)
            out += _needs(list(av[3]))
        elif op is _sre.BRANCH:
            per = [max(_literal_runs(list(alt)), key=len, default="") for alt in av[1]]
            if all(per):
                out.append(tuple(per))
    return out


def _searcher(pattern: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """``pattern`` compiled, and the most telling of its ``_needs``: a sentence holding none of those
    strings cannot match, and ``in`` says so much faster than a search (most patterns start with no
    fixed character, so the regex engine tries them at every character). () when none is known."""
    compiled = re.compile(pattern)
    needs: list[tuple[str, ...]] = []
    if _sre_parse is not None and not compiled.flags & re.IGNORECASE:
        with contextlib.suppress(Exception):  # (then every sentence is searched)
            needs = _needs(list(_sre_parse.parse(pattern)))
    return compiled, max(needs, key=lambda o: min(map(len, o)), default=())


def _holding(needs: tuple[str, ...], sentences: list[str], which: list[int], pool: str) -> list[int]:
    """The sentences ``which`` that hold one of ``needs`` (all of them when ``needs`` is empty); ``pool``
    holds every string that they hold (``which``, joined): a string found nowhere in it, as most patterns'
    are in most reports, costs one scan in C instead of a test per sentence."""
    if not needs:
        return which
    if not any(need in pool for need in needs):
        return []
    if len(needs) == 1:
        need = needs[0]
        return [i for i in which if need in sentences[i]]
    search = _any_of(needs)
    return [i for i in which if search(sentences[i])]


@cache
def _any_of(needs: tuple[str, ...]) -> Any:
    """A search for any of ``needs`` (one call per sentence, where ``any`` over ``in`` makes several)."""
    return re.compile("|".join(map(re.escape, needs))).search


_PROSE_RE = [(key, [_searcher(p) for p in pats]) for key, pats in _PROSE]
_COMBINED_KEYS = frozenset(key for key, _ in _COMBINED)
_ZERO_RE = {
    "requests.received": _searcher(r"(?:未|没有)(?:收到|受理|接到|发生)[^。;,\d]{0,12}?申请(?![^。;,]{0,12}?\d)"),
    "appeals.review": _searcher(rf"{_NEG}(?:发生|出现|收到|接到|有)?[^。;,]{{0,24}}?行政复议"),
    "appeals.litigation": _searcher(rf"{_NEG}(?:发生|出现|收到|接到|有)?[^。;,]{{0,24}}?行政诉讼"),
}
# A number and its unit, as every _PROSE pattern ends its number (_NUM, then _MW or its unit group):
# only sentences holding one are searched (half of a report's sentences with a unit hold none: 条例, 文件).
_COUNT = re.compile(rf"[\d{_NUMERALS}]\s*(?:余|多)?\s*[{_UNITS}]")
# (a sentence without a unit has no count: the regex engine rules that out twice as fast, its first
# character class being short and without \d's Unicode look-up)
_UNIT = re.compile(f"[{_UNITS}]")
# Blanks before a digit or a Han character (the regex engine finds them fast; ``_close_digit_gaps``
# looks at the character before).
_BLANKS = re.compile(rf"[ \t]+(?=[\d{_CJK}])")
_SPACES = re.compile(rf" +(?=[\d{_CJK}])")  # (the same without tabs: a literal first, found twice as fast)
_HAN_CHAR = re.compile(rf"[{_CJK}]")


def _snippet(sentence: str, start: int, end: int) -> str:
    a, b = max(0, start - 16), min(len(sentence), end + 6)
    return ("…" if a > 0 else "") + sentence[a:b].strip() + ("…" if b < len(sentence) else "")


def _blank(m: re.Match[str]) -> str:
    return "　" * len(m.group(0))


def _close_digit_gaps(text: str) -> str:
    """``text`` without the blanks between a Han character and a digit, either way round (共 12 件)."""

    def gap(m: re.Match[str]) -> str:
        a = m.start()
        before, after = text[a - 1] if a else "", text[m.end()]
        if (_HAN_CHAR.match(before) and after.isdecimal()) or (before.isdecimal() and _HAN_CHAR.match(after)):
            return ""  # (str.isdecimal is what \d matches)
        return m.group(0)

    if "\t" in text:
        return _BLANKS.sub(gap, text)
    return _SPACES.sub(gap, text) if " " in text else text


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, the empty left out. A sentence ends with its end mark (。;!?,
    a mark after a mark being a sentence of its own) or at a line's end; cut by ``str`` methods, which
    scan in C where a regex engine steps character by character."""
    for mark in "。;!?":
        if mark in text:
            text = text.replace(mark, mark + "\n")
    return [s for s in map(str.strip, text.split("\n")) if s]


def _read_prose(text: str) -> _Fields:
    out = _Fields()
    text = _close_digit_gaps(text)
    sentences = _sentences(text)
    # Every prose figure is a number with its unit (12件, 三条 …: each pattern ends in one), so only the
    # sentences holding one are searched; most sentences of a report hold none.
    counted = [i for i, s in enumerate(sentences) if _UNIT.search(s) and _COUNT.search(s)]
    # (sentences are only ever blanked below, so pools joined now hold all that they hold later)
    counted_pool, every_pool = "\0".join([sentences[i] for i in counted]), "\0".join(sentences)
    for key, patterns in _PROSE_RE:
        found = False
        for pat, needs in patterns:
            for i in _holding(needs, sentences, counted, counted_pool):
                s = sentences[i]
                m = pat.search(s)
                if not m:
                    continue
                raw = m.group("n")
                value = (float(raw) if "." in raw else int(raw)) if raw[0].isdigit() else cn_number(raw)
                if value is None:
                    continue
                tok = _Tok("N", raw, value, m.group("u"))
                out.put(key, tok, _snippet(s, m.start(), m.end()), approx=bool(m.group("a")))
                found = True
                break
            if found:
                break
        if key in _COMBINED_KEYS:
            # hide every combined phrase from the single categories read next
            for pat, needs in patterns:  # (only counted sentences can hold one; a search is cheaper than a sub)
                for i in _holding(needs, sentences, counted, counted_pool):
                    if pat.search(sentences[i]):
                        sentences[i] = pat.sub(_blank, sentences[i])
        if not found and key in _ZERO_RE:
            zero, needs = _ZERO_RE[key]
            for i in _holding(needs, sentences, list(range(len(sentences))), every_pool):
                s = sentences[i]
                z = zero.search(s)
                if z:
                    out.put(key, _Tok("N", "0", 0), _snippet(s, z.start(), z.end()))
                    break
    return out


# --- entry point --------------------------------------------------------------------------------


def document_text(doc: Document) -> str:
    """The report as one text: headings back in front of their section bodies."""
    lines = []
    for s in doc.sections:
        if s.number or s.heading:
            lines.append(f"{s.number}、{s.heading}" if s.number else s.heading)
        lines.append(s.text)
    return "\n".join(lines)


_READ_PARTS = ("requests", "appeals")


def figures_from_text(text: str, year: int | None = None) -> dict[str, Any] | None:
    """Figures from report text (see the module docstring); None when there are none."""
    text = _prepare(text)
    version = template_version(text, year)
    tables = _read_tables(text, version)
    if tables.fields:
        fields = tables.fields
        missing = [p for p in _READ_PARTS if not any(k.startswith(f"{p}.") for k in fields)]
        if missing:
            # a part given in words instead of its table ("本年度未发生行政复议、行政诉讼"): its sentences
            fields.update({k: v for k, v in _read_prose(text).fields.items() if k.split(".")[0] in missing})
        return {"template": version, "fields": fields, "notes": tables.notes}
    prose = _read_prose(text)
    if prose.fields:
        return {"template": "prose", "fields": prose.fields, "notes": []}
    return None


# A section saying only that there was nothing: "无。", "本年度无。", "未发生。", "没有。"
_NOTHING_RE = re.compile(r"^(?:本年度|本年|全年|年内)?(?:无|没有|未发生)(?:此类情况|相关情况|该类情况)?[。.]?$")


def unread_parts(doc: Document, figures: dict[str, Any] | None) -> list[str]:
    """The report's requests/appeals sections (with text) of which no figure was read."""
    fields = (figures or {}).get("fields") or {}
    out = []
    for part in _READ_PARTS:
        texts = [s.text for s in doc.sections if s.key == part and s.number and s.text.strip()]
        if not texts or any(_NOTHING_RE.match(re.sub(r"\s+", "", t)) for t in texts):
            continue
        if not any(k.startswith(f"{part}.") for k in fields):
            out.append(part)
    return out


def extract_figures(doc: Document) -> dict[str, Any] | None:
    """The figures of an annual report (with its ``unread`` parts), or None when it has neither figures
    nor a requests/appeals part. Never raises: it runs inside indexing."""
    try:
        figures = figures_from_text(document_text(doc), doc.year)
        unread = unread_parts(doc, figures)
    except Exception:  # noqa: BLE001 - a parser bug must not stop a crawl; it is logged
        log.exception("could not read the figures of %s", doc.id)
        return None
    if figures is None and not unread:
        return None
    figures = figures or {"template": "", "fields": {}, "notes": []}
    figures["unread"] = unread
    return figures


# --- names for people ---------------------------------------------------------------------------

ROW_LABELS: dict[str, str] = {
    "proactive.rules": "规章",
    "proactive.normative": "规范性文件",
    "proactive.licensing": "行政许可",
    "proactive.other_services": "其他对外管理服务事项",
    "proactive.penalties": "行政处罚",
    "proactive.enforcement": "行政强制",
    "proactive.fees": "行政事业性收费",
    "proactive.procurement": "政府集中采购",
    "proactive.items": "主动公开政府信息",
    "requests.new": "一、本年新收",
    "requests.carried_over": "二、上年结转",
    "requests.result.disclosed": "(一)予以公开",
    "requests.result.partly_disclosed": "(二)部分公开",
    "requests.result.refused.subtotal": "(三)不予公开",
    "requests.result.refused.state_secret": "不予公开 1.属于国家秘密",
    "requests.result.refused.prohibited": "不予公开 2.其他法律行政法规禁止公开",
    "requests.result.refused.security": "不予公开 3.危及“三安全一稳定”",
    "requests.result.refused.third_party": "不予公开 4.保护第三方合法权益",
    "requests.result.refused.internal": "不予公开 5.属于三类内部事务信息",
    "requests.result.refused.process": "不予公开 6.属于四类过程性信息",
    "requests.result.refused.case_files": "不予公开 7.属于行政执法案卷",
    "requests.result.refused.queries": "不予公开 8.属于行政查询事项",
    "requests.result.unavailable.subtotal": "(四)无法提供",
    "requests.result.unavailable.not_held": "无法提供 1.本机关不掌握相关政府信息",
    "requests.result.unavailable.needs_creation": "无法提供 2.没有现成信息需要另行制作",
    "requests.result.unavailable.unclear": "无法提供 3.补正后申请内容仍不明确",
    "requests.result.not_processed.subtotal": "(五)不予处理",
    "requests.result.not_processed.complaints": "不予处理 1.信访举报投诉类申请",
    "requests.result.not_processed.repeated": "不予处理 2.重复申请",
    "requests.result.not_processed.publications": "不予处理 3.要求提供公开出版物",
    "requests.result.not_processed.excessive": "不予处理 4.无正当理由大量反复申请",
    "requests.result.not_processed.confirmation": "不予处理 5.要求行政机关确认或重新出具已获取信息",
    "requests.result.other_handling": "(六)其他处理",
    "requests.result.other_handling.no_correction": "其他处理 1.逾期不补正",
    "requests.result.other_handling.no_fee": "其他处理 2.逾期未缴纳费用",
    "requests.result.other_handling.misc": "其他处理 3.其他",
    "requests.result.total": "(七)总计",
    "requests.carried_forward": "四、结转下年度继续办理",
    "requests.received": "收到申请",
    "requests.answered": "答复申请",
    "requests.disclosed": "同意公开",
    "requests.partly_disclosed": "部分公开",
    "requests.disclosed_or_partly": "同意公开或部分公开",
    "requests.refused": "不予公开",
    "appeals.review": "行政复议",
    "appeals.litigation.direct": "行政诉讼(未经复议直接起诉)",
    "appeals.litigation.after_review": "行政诉讼(复议后起诉)",
    "appeals.litigation": "行政诉讼",
    "appeals.review_or_litigation": "行政复议和行政诉讼（合计）",
}
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "proactive": {"made": "本年新制作数量", "published": "本年新公开数量", "total": "对外公开总数量",
                  "previous": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
                  "projects": "采购项目数量", "amount": "金额", "issued": "本年制发件数",
                  "repealed": "本年废止件数", "in_force": "现行有效件数"},
    "requests": dict(zip(REQUEST_COLUMNS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                           "其他", "总计"), strict=True)),
    "appeals": dict(zip(APPEAL_COLUMNS, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), strict=True)),
}

PROSE_FIELDS = tuple(key for key, _ in _PROSE)


def _all_fields() -> tuple[str, ...]:
    keys: list[str] = []
    for spec in [*_PROACTIVE["2019"], *_PROACTIVE["2021"], *_REQUESTS, *_APPEALS]:
        for col in spec.columns:
            key = f"{spec.key}.{col}"
            if key not in keys:
                keys.append(key)
    return (*keys, *PROSE_FIELDS)


ALL_FIELDS: tuple[str, ...] = _all_fields()
"""Every field name, in the order of the report (proactive, requests, appeals, then prose)."""


def split_key(key: str) -> tuple[str, str]:
    """(row, column) of a table field; (key, "") for a prose field."""
    if key in PROSE_FIELDS or key not in ALL_FIELDS:
        return key, ""
    row, _, col = key.rpartition(".")
    return row, col


def field_label(key: str) -> str:
    """Chinese name of a field: "(一)予以公开 · 自然人", "行政复议 · 总计", "收到申请"."""
    row, col = split_key(key)
    name = ROW_LABELS.get(row, row)
    if not col:
        return name
    return f"{name} · {COLUMN_LABELS.get(row.split('.')[0], {}).get(col, col)}"


def template_fields(template: str) -> tuple[str, ...]:
    """The fields a complete table of `template` ("2019", "2021", "prose") has, in report order
    (group rows that the template does not print are left out)."""
    if template == "prose":
        return PROSE_FIELDS
    if template not in _PROACTIVE:
        return ()
    skip = ".other_handling." if template == "2019" else ".other_handling"
    keys = []
    for spec in [*_PROACTIVE[template], *_REQUESTS, *_APPEALS]:
        if spec.key.endswith(".subtotal") or (template == "2019" and skip in spec.key) or \
                (template == "2021" and spec.key.endswith(skip)):
            continue
        keys += [f"{spec.key}.{col}" for col in spec.columns]
    return tuple(keys)
