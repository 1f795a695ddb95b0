"""Dates and years in disclosure pages, returned as ISO "YYYY-MM-DD".

Formats (FORMATS.md, "Years and dates"): ``2019-01-04 10:25``, ``2015-11-10 01:51:51``, ``发布日期:[2021-01-28]``,
``2024年04月06日 16:40``, ``发布时间:2020-06-29 10时59分``, Chinese numerals ``二〇一一年五月十六日`` (also with
a Latin O), URL dates ``/201901/t20190111_182924.htm``, ``/art/2021/1/25/…``, ``/20230331/…``.
A garbled date (lost digits, month 13) gives None rather than a wrong date.
"""

from __future__ import annotations

import datetime as _dt
import re

MIN_YEAR = 1980
MAX_YEAR = 2100

_SEP = r"\s*[-/.年]\s*"
_DATE_RE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})" + _SEP + r"(\d{1,2})" + r"\s*[-/.月]\s*" + r"(\d{1,2})(?!\d)\s*日?"
)
_CN_DIGITS = "〇一二三四五六七八九"
_CN_YEAR_CHARS = "〇零○OoＯ0一二三四五六七八九"
_CN_DATE_RE = re.compile(
    rf"([{_CN_YEAR_CHARS}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
)
# A page's own date labels. The bare 时间/日期 only count at the start of a line or after a space or a
# separator ("来源:X 时间:2021-06-03"), not inside a body sentence ("登记时间：即日起至2020年12月31日").
_LABELLED_RE = re.compile(
    r"(?:发布日期|发布时间|公开日期|发文日期|发布于|更新时间|更新日期|(?:(?<=^)|(?<=[\s|】\]]))(?:时间|日期))"
    r"\s*[:：]?\s*[\[【(（]?\s*",
    re.M,
)
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")


def _valid(y: int, m: int, d: int) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _cn_number(s: str) -> int | None:
    """一 → 1, 十 → 10, 十六 → 16, 二十 → 20, 三十一 → 31."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGITS.index(tens) if tens else 1
        o = _CN_DIGITS.index(ones) if ones else 0
        if tens and t == 0:
            return None
        return t * 10 + o
    if s == "零":
        return 0
    if len(s) == 1 and s in _CN_DIGITS:
        return _CN_DIGITS.index(s)
    return None


def _cn_year(s: str) -> int:
    digits = []
    for ch in s:
        if ch in "〇零○OoＯ0":
            digits.append("0")
        else:
            digits.append(str(_CN_DIGITS.index(ch)))
    return int("".join(digits))


def parse_date(text: str) -> str | None:
    """The first valid date in `text` (Arabic or Chinese numerals), as ISO, else None."""
    for m in _DATE_RE.finditer(text):
        iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            return iso
        # A garbled first date must not let a later, unrelated one through.
        return None
    return parse_cn_date(text)


def parse_cn_date(text: str) -> str | None:
    m = _CN_DATE_RE.search(text)
    if not m:
        return None
    month, day = _cn_number(m.group(2)), _cn_number(m.group(3))
    if month is None or day is None:
        return None
    return _valid(_cn_year(m.group(1)), month, day)


def all_dates(text: str) -> list[str]:
    """Every valid date in `text`, in order of appearance (Arabic numerals, then Chinese)."""
    found = [
        (m.start(), _valid(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        for m in _DATE_RE.finditer(text)
    ]
    for m in _CN_DATE_RE.finditer(text):
        found.append((m.start(), parse_cn_date(m.group(0))))
    return [iso for _, iso in sorted(found) if iso]


def page_date(text: str) -> str | None:
    """The page's own publish date from labels like 发布时间:2020-06-29 10时59分 or 发布日期:[2021-01-28]."""
    for m in _LABELLED_RE.finditer(text):
        iso = parse_date(text[m.end() : m.end() + 24])
        if iso:
            return iso
    return None


_URL_DATE_RES = (
    re.compile(r"/[tP]0?((?:19|20)\d{2})(\d{2})(\d{2})\d*(?:_\d+)?(?=[._/]|$)"),  # TRS t20190111_182924, P020220118…
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb /art/2021/1/25/art_…
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),  # gov.cn /2021-06/03/content_…
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),  # /202106/03/…
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # /2021/06/03/…
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/"),  # /2021/0603/…
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # /20230331/…
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})/"),  # /2023-03-31/…
)


def url_date(url: str) -> str | None:
    """A date in a CMS URL (shapes in FORMATS.md): /201901/t20190111_182924.htm, /art/2021/1/25/art_…,
    /2021-06/03/content_…, /20230331/…, TRS attachment names P020220118….pdf."""
    path = url.split("?", 1)[0]
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(path):
            iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso:
                return iso
    return None


_DATE_LINE_RE = re.compile(
    r"^[\[【(（]?\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    rf"|[{_CN_YEAR_CHARS}]{{4}}\s*年\s*[一二三四五六七八九十]{{1,3}}\s*月\s*[一二三四五六七八九十]{{1,3}}\s*日)"
    r"\s*[\]】)）]?(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?\s*[分秒]?)?"
)
_BESIDE_LINES = 3
_BESIDE_REST = 40


def is_date_line(line: str) -> bool:
    """A line that is a date (and time), alone: "2021-06-03 09:12", "二〇一九年十一月二十日", "[2021-01-28]"."""
    m = _DATE_LINE_RE.match(line.strip())
    return m is not None and not line.strip()[m.end():].strip()


def date_beside(lines: list[str], title: str) -> str | None:
    """An unlabelled date on a line just under (or above) the title: "2021-06-03 09:12", or the date that
    starts a short info line ("2022-04-20 10:30 南屏市科学技术局")."""
    want = re.sub(r"\s+", "", title)
    if not want:
        return None
    at = next((i for i, x in enumerate(lines) if re.sub(r"\s+", "", x) == want), None)
    if at is None:
        at = next((i for i, x in enumerate(lines) if want in re.sub(r"\s+", "", x) and len(x) <= len(want) + 20),
                  None)
    if at is None:
        return None
    near = [*lines[at + 1 : at + 1 + _BESIDE_LINES], *reversed(lines[max(0, at - 2) : at])]
    for line in near:
        m = _DATE_LINE_RE.match(line.strip())
        if m and len(line.strip()) - m.end() <= _BESIDE_REST:
            iso = parse_date(m.group(0)) or parse_cn_date(m.group(0))
            if iso:
                return iso
    return None


_DOC_NO_YEAR_RE = re.compile(r"[〔\[﹝(（【]\s*((?:19|20)\d{2})\s*[〕\]﹞)）】]")


def doc_no_year(doc_no: str) -> int | None:
    """The year in a 文号 such as 厦湖府〔2019〕1号."""
    m = _DOC_NO_YEAR_RE.search(doc_no)
    return int(m.group(1)) if m else None


_TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PERIOD_RE = re.compile(
    r"(?:统计期限|统计时限|统计期间|统计区间|统计时间|统计周期|统计期|数据核定时间点|统计截止时间|统计截止日期|统计数据截至)"
)
_BODY_REPORT_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年度?\s*(?:本级|全区|全县|全市|全省|全镇|全乡)?\s*(?:政府)?信息公开(?:工作)?年度?报告"
)


def title_year(title: str) -> int | None:
    """The covered year in a report title: "2019年", "2020年度", "2019年 政府…" (stray space)."""
    m = _TITLE_YEAR_RE.search(title)
    return int(m.group(1)) if m else None


def period_year(text: str) -> int | None:
    """The year of a statistics-period sentence: 统计期限自2019年1月1日起至2019年12月31日止 → 2019."""
    for m in _PERIOD_RE.finditer(text):
        window = text[m.end() : m.end() + 60]
        years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*年", window)]
        if years:
            # "自2019年1月1日起至2019年12月31日止": the period ends in the covered year.
            return (
                years[1]
                if len(years) > 1 and years[1] - years[0] in (0, 1) and _ends_year(window)
                else years[0]
            )
    return None


def _ends_year(window: str) -> bool:
    return bool(re.search(r"12\s*月\s*31\s*日", window))


def body_report_year(text: str) -> int | None:
    """ "现将2019年政府信息公开工作年度报告公布如下" in the opening of a report body."""
    m = _BODY_REPORT_RE.search(text[:600])
    return int(m.group(1)) if m else None
