"""Split a disclosure document into its numbered top-level sections and name each one.

Annual reports come in two outlines (the 2008-regulation outline and the 2019+ State Council
template, see FORMATS.md) plus free-form reports with topical headings. Every top-level part is
named by one of seven canonical keys (``gongkai.vocabulary``: which heading means which key), so a
search can be restricted to "依申请公开" whatever the agency called that part.

Splitting
---------
A top-level heading is a line that starts with a Chinese numeral 一…二十 (or an em dash standing
in for 一) followed by 、 ， . ． or spaces ("一 概 述"). The heading is the rest of a short line
(≤ 40 characters), or the part before the first 。/： when the paragraph continues inline; a long
numbered paragraph and a heading with a comma are list items. "一、" alone takes its heading from
the next short line. Numbers must increase (gaps of up to three parts are allowed, bigger jumps
need a recognised heading): a list that restarts at 一、 inside a section stays in its body, and
when the list reaches the next section number only a recognised heading of another key starts a
new section. A repeated number starts a new section when its heading names another key
("二、主动公开… 二、依申请公开…"). A numbered line followed by "| …" cells or by a run of numbers
(a PDF table row), and the rows of the 2019+ request statistics table (本年新收, 上年结转, 本年度办理结果,
结转下年度…), are table rows; words that also label result rows (予以公开, 部分公开, 不予公开 …) make a
table row only when the line is no recognised heading ("依申请公开政府信息和不予公开政府信息的情况" is one).
A heading glued to its first sentence ("一、总体情况2021年，我县…", line breaks lost) ends after its
last heading word (情况, 概述, 事项, 措施 …) when a sentence starts there (a year, 本/我/全/根据 …).
An outline quoted before the report (two or more empty sections, then 一、 again) is folded back
into the preamble. A short text whose newlines were lost is cut before inline "二、"/"（一）" first.

Text before the first heading is the preamble (number "", key overview). A text without any
heading is one `other` section; a blank text gives no section. Sub-part lines (（一）, (1), 1.,
①) stay in the body; their heading part is listed in `Section.subheadings`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.models import Section
from gongkai.vocabulary import HEADING_DASH as _DASH
from gongkai.vocabulary import HEADING_NUMERAL as _NUM
from gongkai.vocabulary import TRAILING_PUNCT as _TRAILING_PUNCT
from gongkai.vocabulary import match_heading as _match_key
from gongkai.vocabulary import normalize_heading as _norm

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_SPACE = r"[ \t\u3000\xa0]"
# "一、概述", "一，概述", "一．概述", "一. 概述", "—、概述" (em dash for 一; only with 、 or a dot).
_HEADING_SEP = re.compile(
    rf"^{_SPACE}*(?:(?P<num>{_NUM}){_SPACE}*[、，,.．]|(?P<dash>{_DASH}){_SPACE}*[、.．]){_SPACE}*(?P<rest>.*)$"
)
# "一 概 述": numeral, spaces, a short rest (checked in `_parse_heading`).
_HEADING_SPACE = re.compile(rf"^{_SPACE}*(?P<num>{_NUM}){_SPACE}+(?P<rest>\S.*)$")
_SUBHEADING = re.compile(
    r"^[ \t\u3000\xa0]*(?:[（(][ \t\u3000]*(?:[一二三四五六七八九十]+|[0-9０-９]{1,2})[ \t\u3000]*[）)]"
    r"|[0-9０-９]{1,2}[ \t\u3000]*[.．、](?![0-9０-９])|[①-⑳⑴-⒇㈠-㈩])[ \t\u3000\xa0]*(?P<rest>\S.*)$"
)
_HEADING_START = frozenset("一二三四五六七八九十—–-－─―‐━")
_SUBHEADING_START = frozenset("（(0123456789０１２３４５６７８９") | frozenset(chr(c) for c in range(0x2460, 0x2474)) \
    | frozenset(chr(c) for c in range(0x2474, 0x2488)) | frozenset(chr(c) for c in range(0x3220, 0x322A))
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000\xa0]+(?=[\u3400-\u9fff])")
_WS = re.compile(r"\s+")
_CJK_START = re.compile(r"[\u3400-\u9fff]")
_LIST_PUNCT = re.compile(r"[，,；;]")
_HEADING_END = re.compile(r"[。：:]")

_MAX_HEADING = 40  # longer first lines are paragraphs of a numbered list, not headings
_MAX_SPACED = 20  # "一 概 述" style: a longer rest (spaces removed) must be a recognised heading
_MAX_JUMP = 3  # a number further ahead than this needs a recognised heading ("一、… 九、…" in a list)

# Rows of the 2019+ statistics tables that start with 一、…四、 but are table rows, not sections. The
# result-row words also occur inside real old-outline headings, so they only count for unrecognised ones.
_TABLE_ROWS = ("本年新收", "上年结转", "办理结果", "结转下年度", "继续办理", "自然人", "商业企业", "结果维持", "结果纠正")
_RESULT_ROWS = ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理")
_NUMBER_RUN = re.compile(r"(?:[ \t\u3000\xa0]+[-+]?\d[\d,.%]*){2,}[ \t\u3000\xa0]*$")
# A heading glued to the sentence after it: the heading ends with one of these words and a sentence starts.
_GLUED_END = re.compile(r"情况|概述|概况|事项|措施|打算|问题|建设|计划|安排|方向|重点")
_SENTENCE_START = re.compile(
    r"^(?:\d|[（(]|一是|本|我|全|今|去|根据|按照|依据|为|在|自|截至|截止|对|共|经|通过|无|未|没有|严格|坚持|围绕|"
    r"进一步|加强|认真|主要|现将|年内|其中|各|第|当年|上年)"
)


@dataclass
class _Candidate:
    number: str  # "一", "十一" ("一" for an em dash)
    value: int
    heading: str  # as it appears, trimmed, spaces between CJK characters removed
    rest: str  # body text on the same line after the heading
    short: bool  # False: a long numbered paragraph, only ever a list item
    needs_next: bool  # "一、" alone on its line: the heading is on the next line
    table: bool = False  # followed by "| …" cells: a table row unless the heading is recognised


def _numeral_value(num: str) -> int:
    if len(num) == 1:
        return _NUMERALS[num]
    if num[0] == "十":  # 十一 … 十九
        return 10 + _NUMERALS[num[1]]
    return _NUMERALS[num[0]] * 10  # 二十


def _clean_heading(text: str) -> str:
    return _CJK_SPACE.sub("", text).strip().strip(_TRAILING_PUNCT)


def _split_heading(rest: str, loose: bool = False) -> tuple[str, str] | None:
    """Split the text after a number into (heading, inline body); None for a long list paragraph.

    `loose`: the text lost its newlines, so a recognised heading followed by a space ends there.
    """
    if loose:
        gap = _recognised_gap(rest)
        if gap is not None:
            return gap
    glued = _glued(rest)
    if glued is not None:
        return glued
    end = _HEADING_END.search(rest, 0, _MAX_HEADING + 1)
    if end is not None and end.end() < len(rest):
        return rest[: end.start()], rest[end.end() :].strip()
    if len(rest) <= _MAX_HEADING:
        return rest, ""
    # "二、主动公开政府信息情况 2019年，本机关…" (newlines lost): a recognised heading before a space
    return _recognised_gap(rest)


def _glued(rest: str) -> tuple[str, str] | None:
    """ "总体情况2021年，我县…" → ("总体情况", "2021年，我县…"): a recognised heading glued to its first sentence."""
    for m in _GLUED_END.finditer(rest, 0, _MAX_HEADING + 2):
        head, tail = rest[: m.end()], rest[m.end() :]
        if _LIST_PUNCT.search(head) or _HEADING_END.search(head):
            return None
        body = tail.lstrip(" \t\u3000\xa0")
        if body and _SENTENCE_START.match(body) and _match_key(head) is not None:
            return head, body
    return None


def _recognised_gap(rest: str) -> tuple[str, str] | None:
    for gap in _WS.finditer(rest, 0, _MAX_HEADING + 1):
        if _match_key(rest[: gap.start()]) is not None:
            return rest[: gap.start()], rest[gap.end() :]
    return None


def _parse_heading(line: str, loose: bool = False) -> _Candidate | None:
    """Recognise a line that starts like a top-level heading; None for ordinary lines."""
    if line[:1] not in _HEADING_START:  # the cheap test that keeps a 5 MB text fast
        return None
    m = _HEADING_SEP.match(line)
    if m is not None:
        number = "一" if m.group("dash") else m.group("num")
        value = _numeral_value(number)
        rest = m.group("rest").strip()
        if not rest:
            return _Candidate(number, value, "", "", True, True)
        bar = rest.find("|", 0, _MAX_HEADING + 1)
        if bar >= 0:
            # "一、本年新收…申请数量 | 3 | 0 |" is a table row; "四、…行政复议、行政诉讼情况 | 行政复议 | …"
            # is a heading fused with the first row of its table (decided in `_Splitter.accepts`)
            heading = _clean_heading(rest[:bar])
            if not heading:
                return None
            return _Candidate(number, value, heading, rest[bar:], _LIST_PUNCT.search(heading) is None,
                              False, True)
        run = _NUMBER_RUN.search(rest)
        if run is not None and 0 < run.start() <= _MAX_HEADING:
            # "一、本年新收政府信息公开申请数量 11 2 0 0 1 0 14": a table row as PDF text gives it
            heading = _clean_heading(rest[: run.start()])
            return _Candidate(number, value, heading, rest[run.start():].strip(),
                              _LIST_PUNCT.search(heading) is None, False, True) if heading else None
        parts = _split_heading(rest, loose)
        if parts is None:
            return _Candidate(number, value, _clean_heading(rest[:_MAX_HEADING]), rest, False, False)
        heading, body = parts
        heading = _clean_heading(heading)
        if not heading:
            return None
        # "三、加强队伍建设，提升业务能力。" is an item of a list, top-level headings carry no comma
        short = _LIST_PUNCT.search(heading) is None
        return _Candidate(number, value, heading, body, short, False)
    m = _HEADING_SPACE.match(line)
    if m is not None:
        rest = m.group("rest").strip()
        compact = _WS.sub("", rest)
        if len(compact) > _MAX_HEADING or any(c in compact for c in "。，,；;|"):
            return None
        if not _CJK_START.match(compact) or all(c in "一二三四五六七八九十" for c in compact):
            return None
        if len(compact) > _MAX_SPACED and _match_key(compact) is None:
            return None  # "五 因政府信息公开申请提起行政复议…" is fine, a long unrecognised line is not
        number = m.group("num")
        return _Candidate(number, _numeral_value(number), _clean_heading(rest), "", True, False)
    return None


def _subheading(line: str) -> str | None:
    """The heading part of a sub-part line ("（一）主动公开情况。…" → "主动公开情况")."""
    if line[:1] not in _SUBHEADING_START or "|" in line:
        return None
    m = _SUBHEADING.match(line)
    if m is None:
        return None
    rest = m.group("rest").strip()
    end = _HEADING_END.search(rest, 0, _MAX_HEADING + 1)
    gap = _WS.search(rest, 0, end.start() if end is not None else _MAX_HEADING + 1)
    if end is not None and gap is not None:
        rest = rest[: gap.start()]  # "（二）公开形式 通过网站公开。": the sentence after the space is body
    elif end is not None:
        rest = rest[: end.start()]
    elif len(rest) > _MAX_HEADING:
        gap = _WS.search(rest, 0, _MAX_HEADING + 1)  # a long line without 。: the heading ends at a space
        if gap is None:
            return None
        rest = rest[: gap.start()]
    heading = _clean_heading(rest)
    return heading or None


# Where a report that lost its newlines ("the whole report on one line") is cut before a numbered part.
_INLINE_BREAK = re.compile(
    rf"(?:(?<=[。；;！!？?])|[ \t\u3000\xa0]+)(?=(?:{_NUM})[ \t\u3000]*、|[（(][一二三四五六七八九十]{{1,3}}[）)])"
)
_ONE_LINE_MIN = 200  # a text of at most _ONE_LINE_LINES lines with a line this long has lost its newlines
_ONE_LINE_LINES = 5
_ONE_LINE_MAX = 1_000_000  # a real report is far shorter; bigger one-line blobs stay one section (bounded time)


_INVISIBLE = ("\x00", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060")


def _lines(text: str) -> Iterator[str]:
    # NULs, BOMs and zero-width spaces carry nothing and would hide a heading's first character
    for char in _INVISIBLE:
        if char in text:  # str.replace is much faster than str.translate on megabytes
            text = text.replace(char, "")
    for raw in text.splitlines():
        line = raw.strip()
        if line:
            yield line


class _Splitter:
    """The state of one pass over the lines: finished sections and the one being filled."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.number = ""
        self.heading = ""
        self.key = "overview"
        self.value = 0  # number of the current top-level section; 0 = preamble
        self.inner = 0  # last number of a 一、二、 list inside the current section; 0 = none
        self.body: list[str] = []
        self.subheadings: list[str] = []
        self.seen_subheadings: set[str] = set()
        self.seen_heading = False
        # Heading lines of the sections so far while all of them are empty: an outline quoted in
        # the preamble ("本报告包括：一、总体情况 二、…"), undone when the real 一、 follows.
        self.outline: list[str] | None = []

    def accepts(self, cand: _Candidate, key: str | None) -> bool:
        if not cand.short or _is_table_row(cand.heading) or (cand.table and key is None):
            return False
        if self.value == 0:
            return cand.value == 1 or key is not None
        if cand.value > self.value:
            if self.inner and cand.value == self.inner + 1:
                # continues a list inside the section as well: only a recognised, different part is new
                return key is not None and key != self.key
            if cand.value - self.value > _MAX_JUMP:
                return key is not None
            return True
        # a duplicated number ("二、主动公开 二、依申请公开"): new only when clearly another part
        return cand.value == self.value and not self.inner and key is not None and key != self.key

    def restarts(self, cand: _Candidate) -> bool:
        """一、 again after two or more empty sections: those were an outline, not the report."""
        return (cand.value == 1 and cand.short and not cand.table and self.outline is not None and len(self.outline) >= 2
                and not self.body and not _is_table_row(cand.heading))

    def close(self) -> None:
        text = "\n".join(self.body)
        if self.seen_heading or text:
            self.sections.append(Section(self.number, self.heading, self.key, text, self.subheadings))

    def open(self, cand: _Candidate, key: str | None, raw: list[str]) -> None:
        if self.outline is not None and self.value and self.body:
            self.outline = None
        self.close()
        if self.outline is not None:
            self.outline.extend(raw)
        self.seen_heading = True
        self.number, self.heading, self.key = cand.number, cand.heading, key or "other"
        self.value, self.inner = cand.value, 0
        self.body, self.subheadings, self.seen_subheadings = [], [], set()
        if cand.rest:
            self.add_body(cand.rest)

    def restart(self) -> None:
        """Fold the quoted outline back into the preamble."""
        preamble = self.sections[0].text.split("\n") if self.sections and not self.sections[0].number else []
        outline = self.outline or []
        self.sections, self.number, self.heading, self.key, self.value, self.inner = [], "", "", "overview", 0, 0
        self.body, self.subheadings, self.seen_subheadings = [], [], set()
        self.seen_heading = False
        for line in (*preamble, *outline):
            if line:
                self.add_body(line)
        self.outline = None

    def add_body(self, line: str) -> None:
        self.body.append(line)
        sub = _subheading(line)
        if sub is not None and sub not in self.seen_subheadings:  # duplicated sub-numbers repeat headings
            self.seen_subheadings.add(sub)
            self.subheadings.append(sub)


@functools.lru_cache(maxsize=8192)
def _is_table_row(heading: str) -> bool:
    norm = _norm(heading)
    if any(word in norm for word in _TABLE_ROWS):
        return True
    return _match_key(heading) is None and any(word in norm for word in _RESULT_ROWS)


def split_sections(text: str) -> list[Section]:
    """Split a document body ("\\n"-separated paragraphs) into its top-level sections.

    Returns [] for a blank text, one `other` section when there is no numbered heading,
    otherwise an optional preamble (number "", key overview) followed by the sections.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    lines = list(_lines(text))
    loose = (len(lines) <= _ONE_LINE_LINES and len(text) <= _ONE_LINE_MAX
             and any(len(line) >= _ONE_LINE_MIN for line in lines))
    if loose:
        lines = [piece.strip() for line in lines for piece in _INLINE_BREAK.split(line) if piece.strip()]
    state = _Splitter()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        cand = _parse_heading(line, loose)
        if cand is None:
            state.add_body(line)
            continue
        raw = [line]
        if cand.needs_next:
            # "一、" alone, the heading on the next short line
            nxt = lines[i] if i < len(lines) else ""
            if not nxt or len(nxt) > _MAX_HEADING or "|" in nxt or _parse_heading(nxt) is not None:
                state.add_body(line)
                continue
            cand.heading = _clean_heading(nxt)
            raw.append(nxt)
        key = _match_key(cand.heading)
        if state.accepts(cand, key):
            state.open(cand, key, raw)
            i += len(raw) - 1
        elif state.restarts(cand):
            state.restart()
            state.open(cand, key, raw)
            i += len(raw) - 1
        elif not cand.needs_next:
            state.inner = cand.value
            state.add_body(line)
        else:
            state.add_body(line)
    state.close()
    if not state.seen_heading:
        body = "\n".join(lines)
        return [Section("", "", "other", body, state.subheadings)] if body else []
    return state.sections
