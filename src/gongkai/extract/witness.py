"""Every field from its best witness: title, agency, published date and covered year.

A page or file states each of these fields in several places — its *witnesses* — and real pages make
many of them wrong (FORMATS.md, "What real pages do to a parser"): a ``<title>`` holding the site name,
a PDF whose metadata title is a template's generic name, a ``ContentSource`` naming a WeChat account,
an index table giving a bare place name as a department's issuer. Extraction collects a `Candidate`
from every witness; the functions here pick one per field by the rules below, which are written only
here. `Document.provenance` keeps the winning witness of each field (``provenance["title"] =
"<h1>"``) and, under ``"<field>.rejected"``, the candidates that were refused and why, so a wrong
field can be traced in one look (``gongkai show --json``).

Title — the first valid candidate in this order:
    1. ``meta ArticleTitle``   the CMS's own title field
    2. ``index table 标题``     the 标题/名称/文件名称 row of the disclosure index table
    3. ``<h1>``
    4. ``title element``       an element whose class or id names a title (div.article-title, td.bt …)
    5. ``<title>``             with only the parts that name the site cut off (see `clean_title`)
    6. ``first lines``         the first lines of the body, or of a PDF/DOCX/text file (a title set on up
                               to three lines is joined; 附件1, red-head 文件 and 文号 lines above it are skipped)
    7. ``file metadata title`` the PDF/DOCX title property: often a template's or a Word file's name, and
                               stale when a report was copied from last year's, so it ranks below the page
    When every candidate is refused, the best-ranked text is kept all the same (witness "… (no valid
    witness)"); the crawler then prefers ``list page``, the title the article had on the list linking it
    (it does the same for a missing date).
    Rejected: a template's generic name ("政府信息公开工作年度报告" alone, "附件1"), a file name ("Microsoft
    Word - 附件1.doc"), the site's or a column's name, a bare agency name, a red-head line, a 文号, a date,
    a sentence, page chrome, fewer than 5 or more than 150 characters. A lower-ranked candidate that only
    adds an agency or a year in front of the winner ("青溪区财政局" + "2019年…报告"), or completes a
    truncated winner ("关于进一步…"), is more complete and wins instead.

Agency — organisation names before bare place names ("XX县" is rarely the issuer of a department's
document), then this order:
    1. ``index table 发布机构`` (发文机关, 发文单位 …)  2. ``title`` (the agency the title starts with)
    3. ``meta ContentSource``  4. ``meta source``  5. ``index table 来源``  6. ``signature`` (the agency
    line above the signature date)  7. ``first lines`` (an agency line just under the title)
    8. ``site name`` (the owner named by SiteName)
    Rejected: WeChat accounts, channels and media ("XX发布", "…微信公众号", "中国XX网", 融媒体中心), the column's
    name, anything that is not a name (digits, punctuation, "本站", "我局") or does not end like an agency or a
    place. ``ContentSource``/``source`` naming the site's owner yields to a lower witness naming another body.

Published date — the first valid candidate in this order:
    1. ``index table 发布日期`` (公开日期)  2. ``meta PubDate`` (publishdate, firstpublishedtime)
    3. ``page label`` (发布时间:…, 发布日期:[…])  4. ``beside the title`` (an unlabelled date line just
    under or above the title: ``<li>2021-06-03 09:12</li>``)  5. ``URL`` (/201901/t20190111_…, /art/2021/1/25/,
    /2021-06/03/content_…)  6. ``index table 成文日期``  7. ``signature``
    The page's date beats the document's own dates: a page republished in 2018 keeps its page date.
    Rejected: a date earlier than the 成文日期 (nothing is published before it is written).

Year — the year a document covers when its title names it, else the year it was issued:
    1. ``title (covered year)``  annual reports, and titles that *are* a statistical bulletin (统计公报), a
       budget or final account (预算/决算), a work plan or summary (工作要点, 工作计划, 工作总结) —
       also when issued by "关于印发…的通知" ("2019年国民经济和社会发展统计公报" covers 2019, issued 2020)
    2. annual reports: ``statistics period`` (统计期限自2019年1月1日…) and ``report sentence``
       (现将2019年政府信息公开工作年度报告公布如下)
    3. annual reports, bulletins and final accounts naming no year: the year issued − 1 (they are
       published the year after the one they cover)
    4. the year issued: ``index table 成文日期``, ``published``, ``文号`` (〔2021〕), ``signature``, and last
       any ``title`` year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import dates
from .text import is_chrome, simplify, tidy_title

TITLE_WITNESSES = ("meta ArticleTitle", "index table 标题", "<h1>", "title element", "<title>", "first lines",
                   "file metadata title")
AGENCY_WITNESSES = ("index table 发布机构", "title", "meta ContentSource", "meta source", "index table 来源",
                    "signature", "first lines", "site name")
PUBLISHED_WITNESSES = ("index table 发布日期", "meta PubDate", "page label", "beside the title", "URL",
                       "index table 成文日期", "signature")


NO_VALID_WITNESS = " (no valid witness)"  # after the name of a fallback that was refused as well


@dataclass(frozen=True)
class Candidate:
    witness: str  # one of the *_WITNESSES names
    value: str  # titles and agencies as written; dates as ISO "YYYY-MM-DD"


@dataclass
class Choice:
    value: str = ""
    witness: str = ""
    rejected: list[str] = field(default_factory=list)  # "witness: reason"

    def record(self, name: str, provenance: dict[str, str]) -> None:
        """Write this choice into a Document's provenance under `name`."""
        if self.witness:
            provenance[name] = self.witness
        if self.rejected:
            provenance[f"{name}.rejected"] = "; ".join(self.rejected)


# --- what names the site ----------------------------------------------------------------------

_SITE_SUFFIX_RE = re.compile(r"(?:门户网站|政务网站|官方网站|网站|门户网|政府网|政务网|信息网|官网|门户|网)$")
_SITE_RE = re.compile(
    r"(?:门户网站|政府网|网站|首页|政务网|信息公开网|信息网|官网|官方网站|门户|^中国.{1,12}网$|^.{2,12}网$"
    r"|^.{1,20}人民政府$|^.{1,20}政府$|政府信息公开$|信息公开专栏$|信息公开$)"
)
_COLUMN_RE = re.compile(
    r"^(?:政府)?信息公开(?:年报|年度报告|目录|指南|制度|专栏|规定)?$|^(?:通知公告|公示公告|政策文件|政策解读|部门动态|"
    r"工作动态|年度报告|政务公开|部门信息|法定主动公开内容|财政预决算|统计信息|规划计划)$"
)


@dataclass(frozen=True)
class Context:
    """What a page says about its site: the site's names and owners, and the column's name."""

    sites: tuple[str, ...] = ()  # SiteName as written and without 门户网站/网站… ("青溪区人民政府")
    column: str = ""

    @classmethod
    def from_meta(cls, meta: Mapping[str, str]) -> Context:
        names: list[str] = []
        for key in ("sitename", "site_name", "og:site_name"):
            name = re.sub(r"\s+", "", simplify(meta.get(key, "")))
            if name:
                names += [name, _SITE_SUFFIX_RE.sub("", name)]
        column = re.sub(r"\s+", "", simplify(meta.get("columnname", "")))
        return cls(tuple(n for n in dict.fromkeys(names) if len(n) >= 2), column)

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(n for n in self.sites if _ORG_END_RE.search(n))


def _names_site(piece: str, ctx: Context, *, as_prefix: bool = False) -> bool:
    """Whether a piece of a <title> names the site (or its column) rather than the document."""
    s = re.sub(r"\s+", "", simplify(piece))
    if s in ctx.sites or (ctx.column and s == ctx.column) or _COLUMN_RE.match(s):
        return True
    if as_prefix and _ORG_END_RE.search(s) and not _SITE_SUFFIX_RE.search(s):
        return False  # "XX市人民政府-关于…": an agency in front of its own title is no site name
    return bool(_SITE_RE.search(s)) and len(s) <= 25


# --- titles -----------------------------------------------------------------------------------

_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|\s[-—–]\s|--|——)\s*")
_LOOSE_SPLIT_RE = re.compile(r"(?<!\d)\s*[-—–]\s*(?!\d)")


def clean_title(title: str, ctx: Context | None = None) -> str:
    """Cut the parts of a page title that name the site: "…年度报告_青溪区人民政府", "… - 首页", "… - 中国XX网",
    "XX门户网站 - 政府信息公开 - …", "…_通知公告_XX县人民政府". An agency in front of its title stays
    ("南屏市财政局-关于…" → "南屏市财政局关于…") unless the agency is the site's owner."""
    ctx = ctx or Context()
    title = re.sub(r"\s+", " ", title).strip()
    pieces = [p.strip() for p in _TITLE_SPLIT_RE.split(title) if p.strip()]
    if len(pieces) <= 1:
        pieces = [p.strip() for p in _LOOSE_SPLIT_RE.split(title) if p.strip()]
        # A bare hyphen also sits inside titles: only a site-like or agency end piece is cut off.
        if len(pieces) > 1 and not (_names_site(pieces[-1], ctx) or _names_site(pieces[0], ctx, as_prefix=True)
                                    or _is_prefix_agency(pieces[0], pieces[1])):
            pieces = [title]
    if len(pieces) > 1:
        title = _title_of(pieces, ctx)
    return tidy_title(title)


def _is_prefix_agency(piece: str, rest: str) -> bool:
    return bool(_ORG_END_RE.search(piece)) and len(piece) <= 30 and (rest.startswith("关于") or piece in rest)


def _title_of(pieces: list[str], ctx: Context) -> str:
    keep = [i for i, p in enumerate(pieces) if not _names_site(p, ctx, as_prefix=i == 0)]
    if not keep:
        return pieces[0]
    titles = [i for i in keep if not _is_prefix_agency(pieces[i], pieces[i + 1] if i + 1 < len(pieces) else "")]
    best = max(titles or keep, key=lambda i: len(pieces[i]))
    head = pieces[best - 1] if best > 0 else ""
    if head and best - 1 in keep and _is_prefix_agency(head, pieces[best]):
        return pieces[best] if head in pieces[best] else head + pieces[best]
    return pieces[best]


_GENERIC_TITLE_RE = re.compile(
    r"^(?:[(（]?附件\s*\d*[)）]?\s*[:：]?\s*)?(?:(?:政府)?信息公开(?:工作)?(?:年度)?报告|(?:工作)?年度报告|年报|报告|"
    r"通知|公告|通告|说明|请示|批复|函|附件\s*\d*|附表\s*\d*|标题|无标题|文档\s*\d*|untitled|document\s*\d*|"
    r"新建.{0,12}文档|microsoft\s+word.*|wps.*)$",
    re.I,
)
_FILE_NAME_RE = re.compile(r"^microsoft\s+(?:word|excel|powerpoint)\s*-\s*|\.(?:docx?|wps|pdf|xlsx?|ofd)$", re.I)
_RED_HEAD_RE = re.compile(r"^.{2,30}(?:人民政府|政府|办公室|办公厅|局|委员会|委|厅|办)\s*文件$")
DOC_NO_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{1,14}\s*[〔\[﹝(（【]\s*(?:19|20)\d{2}\s*[〕\]﹞)）】]\s*\d{1,5}\s*号$")
_DATE_ONLY_RE = re.compile(r"^[\[(（【]?\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[\])）】]?"
                           r"(?:\s+\d{1,2}[:：时]\d{1,2}(?:[:：分]\d{1,2})?秒?)?$")
_ENDS_WITH_DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}$")
_WS = re.compile(r"\s+")


def file_title(raw: str) -> str:
    """A PDF/DOCX title property without the Word file-name wrapping ("Microsoft Word - X.docx" → "X")."""
    title = raw.strip()
    for _ in range(2):
        title = _FILE_NAME_RE.sub("", title).strip()
    return title


def title_problem(value: str, ctx: Context) -> str | None:
    """Why `value` is not a document title, or None."""
    s = _WS.sub("", simplify(value))
    if not s:
        return "empty"
    if _GENERIC_TITLE_RE.match(s):
        return "a template's generic name"
    if _FILE_NAME_RE.search(value.strip()):
        return "a file name"
    if _names_site(value, ctx):
        return "names the site or column"
    if len(s) < 5:
        return "too short"
    if len(s) > 150:
        return "too long"
    if _RED_HEAD_RE.match(s):
        return "a red-head line"
    if _ORG_END_RE.search(s) and len(s) <= 30 and not _TITLE_WORD_RE.search(s):
        return "an agency name"
    if DOC_NO_LINE_RE.match(s):
        return "a 文号"
    if _DATE_ONLY_RE.match(value.strip()):
        return "a date"
    if _ENDS_WITH_DATE_RE.search(s):
        return "a list row (a title and its date)"
    if "。" in s or s.endswith((":", "：")):
        return "a sentence"
    if is_chrome(value):
        return "page chrome"
    return None


# Lines above a title that are not part of it: 附件1, secrecy and urgency marks, a red-head 文件 line, the 文号.
_ABOVE_TITLE_RE = re.compile(r"^(?:[(（]?附件\s*\d*[)）]?[:：]?|附表\s*\d*|(?:特急|加急|平急|急件|秘密|机密|绝密)(?:★.*)?"
                             r"|[(（]此件公开发布[)）]|[（(]?公开方式[:：].*)$")
_TITLE_END_RE = re.compile(r"(?:报告|通知|公告|通告|公示|意见|办法|规定|方案|解读|指南|要点|条例|细则|决定|批复|函|计划|规划|公报|"
                           r"总结|说明|预算公开|决算公开|预算|决算|纪要|通报|请示|答复|清单|名单|目录|制度|措施|规则|标准)"
                           r"(?:[(（][^()（）]{1,12}[)）])?$")
_MAX_TITLE_LINES = 3


def first_lines_title(lines: list[str]) -> tuple[str, int, int]:
    """The title on the first lines of a text: (title, start, end) with lines[start:end] the title's lines.

    Lines above the title (附件1, 特急, a red-head 文件 line, the 文号) are skipped; a title set on up to
    three short lines is joined when the joined text ends like a title ("青溪区教育局" + "2021年…年度报告").
    """
    start = 0
    while start < min(len(lines), 6):
        s = _WS.sub("", simplify(lines[start]))
        if not (_ABOVE_TITLE_RE.match(s) or _RED_HEAD_RE.match(s) or DOC_NO_LINE_RE.match(s)):
            break
        start += 1
    if start >= len(lines):
        return "", start, start
    title, end = lines[start], start + 1
    joined, j = title, end
    while j < len(lines) and j - start < _MAX_TITLE_LINES and not _TITLE_END_RE.search(joined) and len(joined) <= 60:
        nxt = lines[j]
        if len(nxt) > 30 or "。" in nxt or _DATE_ONLY_RE.match(nxt) or re.match(r"^[一二三四五六七八九十]+\s*[、.]", nxt):
            break
        joined, j = joined + nxt, j + 1
    if j > end and _TITLE_END_RE.search(_WS.sub("", joined)):
        title, end = joined, j
    return title, start, end


_TITLE_WORD_RE = re.compile(r"(?:报告|通知|公告|通告|公示|意见|办法|规定|方案|解读|指南|要点|条例|细则|决定|批复|函|计划|规划|"
                            r"公报|预算|决算|总结|说明|关于|目录|清单|名单|情况)")
_YEAR_PREFIX_RE = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)$")


def _completes(longer: str, shorter: str) -> bool:
    """`longer` is `shorter` with an agency or a year in front, or `shorter` is a truncated `longer`."""
    a, b = _WS.sub("", longer), _WS.sub("", shorter)
    if len(a) <= len(b):
        return False
    if b.endswith(("...", "…")):
        stem = b.rstrip(".…")
        return len(stem) >= 5 and a.startswith(stem)
    if not a.endswith(b):
        return False
    extra = a[: len(a) - len(b)]
    return bool(_ORG_END_RE.search(extra) or _YEAR_PREFIX_RE.match(extra)) and len(extra) <= 30


def choose_title(candidates: Iterable[Candidate], ctx: Context) -> Choice:
    choice = Choice()
    valid: list[Candidate] = []
    for c in _in_order(candidates, TITLE_WITNESSES):
        problem = title_problem(c.value, ctx)
        if problem is None:
            valid.append(c)
        elif problem != "empty" and not valid:  # only what would have won is worth tracing
            choice.rejected.append(f"{c.witness}: {problem}")
    if not valid:
        fallback = next((c for c in _in_order(candidates, TITLE_WITNESSES) if c.value.strip()), None)
        if fallback is not None:
            choice.value, choice.witness = fallback.value, f"{fallback.witness}{NO_VALID_WITNESS}"
        return choice
    best = valid[0]
    for c in valid[1:]:
        if _completes(c.value, best.value):
            best = c
    choice.value, choice.witness = best.value, best.witness
    return choice


# --- agencies ---------------------------------------------------------------------------------

_ORG_SUFFIX = (r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|管理委员会|管委会|街道办事处|办事处|委员会|"
               r"办公室|办公厅|政府|法院|检察院|局|委|厅|办|署|中心|院|所|站|处|队|会|馆|室|部|社|公司|集团|监狱)")
_PLACE_SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|新区|街道|社区|省|市|县|区|州|盟|旗|乡|镇|村)"
_ORG_END_RE = re.compile(_ORG_SUFFIX + "$")
_PLACE_END_RE = re.compile(_PLACE_SUFFIX + "$")
_AGENCY_FROM_TITLE_RE = re.compile(
    r"^(.{2,40}?(?:" + _ORG_SUFFIX + "|" + _PLACE_SUFFIX + r"))\s*"
    r"(?=(?:19|20)\d{2}\s*年|关于|政府信息公开|信息公开|政务公开|[《〈])"
)
_CHANNEL_RE = re.compile(
    r"微信|公众号|微博|客户端|头条|抖音|快手|视频号|发布$|在线$|网$|网站|门户|日报|晚报|电视台|广播|融媒|新闻中心|报社|编辑部|"
    r"本站|本网"
)
_NOT_A_NAME_RE = re.compile(r"[\d:：。，,;；!?？！@/|()（）\[\]【】<>]|^我(?:局|委|办|厅|镇|乡|区|县|市|处|中心|单位|街道|院|站|所)$")
_NOT_AGENCY = {"本站", "本网", "本站原创", "原创", "网站", "本网站", "未知", "其他", "无", "管理员", "admin"}


def agency_from_title(title: str) -> str:
    """ "青溪区人民政府2019年政府信息公开工作年度报告" → "青溪区人民政府"; "白沙县财政局关于…" → "白沙县财政局"."""
    title = title.strip()
    m = _AGENCY_FROM_TITLE_RE.match(simplify(title))
    return title[: m.end(1)].strip() if m else ""


def clean_agency(value: str) -> str:
    """An agency value without spaces, quotes and surrounding punctuation."""
    value = _WS.sub("", value or "").strip(" :：,，;；、.。“”\"'「」")
    return re.sub(r"[(（](?:主办|承办|发布)[)）]$", "", value)


def agency_problem(value: str, ctx: Context) -> str | None:
    """Why `value` is not an issuing agency's name, or None."""
    s = simplify(value)
    if not s:
        return "empty"
    if s in _NOT_AGENCY or len(s) > 40 or len(s) < 2 or _NOT_A_NAME_RE.search(s):
        return "not a name"
    if _CHANNEL_RE.search(s):
        return "a channel or account, not an issuer"
    if ctx.column and s == ctx.column:
        return "the column's name"
    if not (_ORG_END_RE.search(s) or _PLACE_END_RE.search(s)):
        return "not an agency name"
    return None


def is_bare_place(value: str) -> bool:
    s = simplify(value)
    return bool(_PLACE_END_RE.search(s)) and not _ORG_END_RE.search(s)


def is_agency_name(value: str) -> bool:
    """An organisation's name (not a bare place, not a channel)."""
    return agency_problem(value, Context()) is None and not is_bare_place(value)


def choose_agency(candidates: Iterable[Candidate], ctx: Context) -> Choice:
    choice = Choice()
    valid: list[Candidate] = []
    refused: list[tuple[Candidate, str]] = []
    for c in _in_order(candidates, AGENCY_WITNESSES):
        value = clean_agency(c.value)
        problem = agency_problem(value, ctx)
        if problem is None:
            valid.append(Candidate(c.witness, value))
        elif problem != "empty":
            refused.append((c, problem))
    orgs = [c for c in valid if not is_bare_place(c.value)]
    pool = orgs or valid
    if not pool:
        choice.rejected = [f"{c.witness}: {p}" for c, p in refused]
        return choice
    best = pool[0]
    if best.witness in ("meta ContentSource", "meta source") and simplify(best.value) in ctx.owners:
        other = next((c for c in pool[1:] if c.value != best.value and c.witness != "site name"), None)
        if other is not None:
            refused.append((best, f"the site's owner; {other.witness} names the issuer"))
            best = other
    refused += [(c, "a bare place name") for c in valid if c not in pool]
    rank = {w: i for i, w in enumerate(AGENCY_WITNESSES)}
    # Only what ranked above the winner (and would otherwise have won) is worth tracing.
    choice.rejected = [f"{c.witness}: {p}" for c, p in sorted(refused, key=lambda x: rank.get(x[0].witness, 99))
                       if rank.get(c.witness, 99) < rank.get(best.witness, 99)]
    choice.value, choice.witness = best.value, best.witness
    return choice


# --- dates and years --------------------------------------------------------------------------


def choose_published(candidates: Iterable[Candidate], written: str | None) -> Choice:
    choice = Choice()
    for c in _in_order(candidates, PUBLISHED_WITNESSES):
        if not c.value:
            continue
        if written and c.value < written and c.witness != "index table 成文日期":
            choice.rejected.append(f"{c.witness}: {c.value} is before the 成文日期 {written}")
            continue
        choice.value, choice.witness = c.value, c.witness
        return choice
    return choice


_KIND_TAIL = r"(?:公开|说明|情况|草案|执行情况|表|的报告|报告|[》」』”\")）])*$"  # what may follow the kind at the end
_COVERING_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年度?[^，,。；;]{0,40}?(?:统计公报|公报|预算|决算|工作要点|要点|工作计划|计划|工作总结|总结)"
    + _KIND_TAIL
)
_ISSUING_RE = re.compile(r"^.*?印发(.+?)的?(?:通知|函)$")
# Titles that *are* a bulletin or a final account (not "…预决算公开管理办法"): published after their year.
_YEAR_AFTER_RE = re.compile(r"(?:统计公报|决算)" + _KIND_TAIL)


def _subject(title: str) -> str:
    """The title without a "关于印发…的通知" wrapper."""
    t = _WS.sub("", simplify(title))
    m = _ISSUING_RE.match(t)
    return m.group(1) if m else t


def covered_year(title: str, doc_type: str) -> int | None:
    """The year a title says the document covers (see the module docstring), or None."""
    if doc_type == "annual_report":
        return dates.title_year(_WS.sub("", simplify(title)))
    m = _COVERING_RE.search(_subject(title))
    return int(m.group(1)) if m else None


def choose_year(
    doc_type: str,
    title: str,
    body: str,
    *,
    published: str | None,
    written: str | None,
    doc_no: str,
    signed: str | None,
) -> Choice:
    def plausible(y: int | None) -> bool:
        return y is not None and dates.MIN_YEAR <= y <= dates.MAX_YEAR

    covered: list[tuple[str, int | None]] = [("title (covered year)", covered_year(title, doc_type))]
    if doc_type == "annual_report":
        text = simplify(body)
        covered += [("statistics period", dates.period_year(text)), ("report sentence", dates.body_report_year(text))]
    for witness, year in covered:
        if plausible(year):
            return Choice(str(year), witness)
    issued: list[tuple[str, int | None]] = [
        ("index table 成文日期", _year_of(written)),
        ("published", _year_of(published)),
        ("文号", dates.doc_no_year(doc_no)),
        ("signature", _year_of(signed)),
    ]
    year_after = doc_type == "annual_report" or bool(_YEAR_AFTER_RE.search(_subject(title)))
    for witness, year in [*issued, ("title", None if year_after else dates.title_year(title))]:
        if year is not None and plausible(year):
            return Choice(str(year - 1), f"{witness} − 1 (published the year after)") if year_after else \
                Choice(str(year), witness)
    return Choice()


def _year_of(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


def _in_order(candidates: Iterable[Candidate], order: tuple[str, ...]) -> list[Candidate]:
    rank = {w: i for i, w in enumerate(order)}
    return sorted(candidates, key=lambda c: rank.get(c.witness, len(order)))
