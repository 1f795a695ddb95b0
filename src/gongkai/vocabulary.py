"""The names gongkai gives things, shared by extraction, the index, the CLI and the web.

One place for each vocabulary, so that the index never imports the parser and the CLI and the
web page say the same words:

- document types: ``DOC_TYPES``, their Chinese ``TYPE_LABELS`` and what a user may type for them
  (``resolve_type``: 年报, 通知, 政策解读 …);
- section keys of annual reports: ``SECTION_KEYS``, ``SECTION_LABELS``, which heading means which
  key (``canonical_key``, used by the section splitter) and which user words name which key
  (``resolve_section``: ``--section 复议``, ``section:依申请公开``);
- the fields of a document in every output (``RECORD_FIELDS``: search results, exports,
  ``show --json``, the JSON API, feeds). The type is ``type`` everywhere a user sees it, as in the
  query field ``type:``, the option ``--type`` and the facet; ``Document.doc_type`` is only the
  Python attribute.

The mapping table
-----------------
`_SECTION_TABLE` below is the one place that says which heading means which key and which user
words (`--section 复议`) name which key. Each row is ``(key, heading keywords, user aliases)``.

* Headings (`canonical_key`): the heading is normalised (NFKC, traditional → simplified for the
  characters that occur in headings, whitespace removed, lower case); if the whole heading is a
  user alias the alias wins, otherwise the rows are tried **in order** and the first row with a
  keyword contained in the heading wins. Order matters: "因政府信息公开申请提起行政复议" contains
  申请 but is `appeals` because the appeals row comes before the requests row; "政府信息公开的收费
  及减免情况" is `fees`; "附表：主动公开情况统计表" is `other` because the attachment row is first.
  A heading that matches no row is `other`.
* User values (`resolve_section`): a canonical key or an alias, compared after the same
  normalisation; a longer phrase that is not an alias is accepted when it matches a heading
  keyword ("因政府信息公开申请提起行政复议" → appeals). Anything else raises
  `UnknownSectionError`.

=========  ============  =========================================================================
key        label         headings that map to it (keywords, first matching row wins)
=========  ============  =========================================================================
other      其他          附表, 附件, 统计表, 需要说明, 其他需要报告        (checked first)
appeals    复议诉讼      复议, 诉讼, 申诉, 举报                             (before requests: 因…申请提起复议)
fees       收费及减免    收费, 减免, 费用
problems   问题与改进    存在的, 主要问题, 存在问题, 问题及/和/与, 改进, 整改, 不足, 下一步, 打算
other      其他          审批事项, 行政审批, 许可事项, 人大代表, 政协委员, 建议提案 (department parts
                         that mention applications: 行政审批事项办理情况, 办理人大代表建议和政协委员提案情况)
requests   依申请公开    依申请, 申请, 咨询 (政府信息公开申请办理情况, 收到和处理政府信息公开申请情况,
                         依申请公开政府信息和不予公开政府信息的情况, 政府信息公开咨询情况)
proactive  主动公开      主动公开, 重点领域, 回应, 解读, 平台建设, 公开平台, 公开载体, 网站, 新闻发布
overview   总体情况      概述, 概况, 总体情况, 基本情况, 组织领导, 制度建设, 工作机制, 队伍建设,
                         监督保障, 信息管理
other      其他          其他, 其它, 说明, 人大代表建议, 政协提案, 机构建设, 保障经费, 经费
                         (and every unmatched heading)
=========  ============  =========================================================================

Design choices for free-form headings: 重点领域信息公开, 回应解读 and 平台建设 describe what is
published and where, so they are `proactive`; 组织领导和制度建设 describes how the disclosure work
is run, which the 2019+ template puts under 总体情况, so it is `overview`; 机构建设和保障经费 (staff
and budget) has no place in either outline, so it is `other` (the fixture goldens agree). Old-outline
reports answer inquiries (咨询) beside requests, so a 咨询 part is `requests`; a complaint about the
disclosure work (申诉, 举报) contests it like a review, so it is `appeals`; parts about approvals handled
or deputies' proposals are department business, `other`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .errors import UnknownSectionError, UsageError
from .i18n import N_, _

# The fields of a document as every output names them, in the order exports write them.
RECORD_FIELDS = ("id", "url", "title", "agency", "type", "year", "published", "index_no", "doc_no", "status", "withdrawn")

# -- document types ------------------------------------------------------------------------------
DOC_TYPES = ("annual_report", "notice", "policy", "interpretation", "guide", "other")

# Labels are message ids: show them with `type_label(key)` (年度报告, 通知公告 … in Chinese).
TYPE_LABELS: dict[str, str] = {
    "annual_report": N_("Annual report"),
    "notice": N_("Notice"),
    "policy": N_("Policy document"),
    "interpretation": N_("Policy interpretation"),
    "guide": N_("Disclosure guide"),
    "other": N_("Other"),
}


def type_label(key: str | None) -> str:
    """The label of a document type in the current language; an unknown value as it is."""
    return _(TYPE_LABELS[key]) if key in TYPE_LABELS else key or ""

# What a user may type for a type (the labels above are among them).
TYPE_ALIASES: dict[str, str] = {
    "annual_report": "annual_report", "年报": "annual_report", "年度报告": "annual_report",
    "notice": "notice", "通知": "notice", "公告": "notice", "通知公告": "notice",
    "policy": "policy", "政策": "policy", "政策文件": "policy",
    "interpretation": "interpretation", "解读": "interpretation", "政策解读": "interpretation",
    "guide": "guide", "指南": "guide", "公开指南": "guide",
    "other": "other", "其他": "other",
}


def resolve_type(value: str) -> str:
    """A user's type (a key, a label or an alias) as one of DOC_TYPES; raises UsageError."""
    v = unicodedata.normalize("NFKC", value.strip()).lower()
    if v in TYPE_ALIASES:
        return TYPE_ALIASES[v]
    raise UsageError(_("unknown document type {value!r}: use one of {types}").format(
        value=value, types=", ".join(DOC_TYPES)))


# -- the archive: events of a document's history and the fields a change names ---------------------
# Labels are message ids (新增, 修改, 已撤下 … in Chinese); the keys stay in JSON and feeds' categories.
EVENT_LABELS: dict[str, str] = {
    "known": N_("Archived"),  # the version a store kept before the archive recorded events
    "added": N_("Added"),
    "changed": N_("Changed"),
    "withdrawn": N_("Withdrawn"),
    "restored": N_("Restored"),
}
CHANGE_LABELS: dict[str, str] = {
    "title": N_("Title"), "published": N_("Published"), "doc_no": N_("Document no."), "index_no": N_("Index no."),
    "agency": N_("Issued by"), "year": N_("Year"), "doc_type": N_("Type"), "text": N_("Main text"),
    "attachments": N_("Attachments"),
}


def event_label(key: str) -> str:
    return _(EVENT_LABELS[key]) if key in EVENT_LABELS else key


def change_label(key: str) -> str:
    """What a change of a document names (a metadata field, "text", "attachments"), in the current language."""
    return _(CHANGE_LABELS[key]) if key in CHANGE_LABELS else key


def change_list(keys: list[str]) -> str:
    """The fields a change names, as one list: 标题、正文 (the enumeration comma), Title, Main text."""
    return _("、").join(change_label(k) for k in keys)  # the English catalogue words "、" as ", "


# -- section keys --------------------------------------------------------------------------------
SECTION_KEYS = ("overview", "proactive", "requests", "fees", "appeals", "problems", "other")

# Labels are message ids: show them with `section_label(key)` (总体情况, 主动公开 … in Chinese).
SECTION_LABELS: dict[str, str] = {
    "overview": N_("Overview"),
    "proactive": N_("Proactive disclosure"),
    "requests": N_("Requests"),
    "fees": N_("Fees and waivers"),
    "appeals": N_("Reviews and lawsuits"),
    "problems": N_("Problems and improvements"),
    "other": N_("Other"),
}


def section_label(key: str | None) -> str:
    """The label of a section key in the current language; an unknown value as it is."""
    return _(SECTION_LABELS[key]) if key in SECTION_LABELS else key or ""

# (key, heading keywords, user aliases). Rows are tried in order; see the module docstring.
_SECTION_TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("other", ("附表", "附件", "统计表", "需要说明", "其他需要报告"), ("附表", "附件")),
    (
        "appeals",
        ("复议", "诉讼", "申诉", "举报"),
        ("appeals", "appeal", "复议", "诉讼", "行政复议", "行政诉讼", "复议诉讼", "复议和诉讼", "复议、诉讼",
         "行政复议和行政诉讼", "行政复议、行政诉讼", "review", "litigation"),
    ),
    ("fees", ("收费", "减免", "费用"), ("fees", "fee", "收费", "减免", "收费及减免", "收费和减免", "费用")),
    (
        "problems",
        ("存在的", "主要问题", "存在问题", "问题及", "问题和", "问题与", "改进", "整改", "不足", "下一步", "打算"),
        ("problems", "problem", "问题", "改进", "问题与改进", "问题和改进", "问题及改进", "存在的问题",
         "存在的主要问题", "主要问题", "改进措施", "下一步", "不足", "improvements"),
    ),
    # Department-specific parts that mention applications without being about disclosure requests.
    ("other", ("审批事项", "行政审批", "许可事项", "人大代表", "政协委员", "建议提案", "建议和提案"), ()),
    (
        "requests",
        ("依申请", "申请", "咨询"),
        ("requests", "request", "依申请公开", "依申请", "申请", "申请公开", "政府信息公开申请", "申请办理"),
    ),
    (
        "proactive",
        ("主动公开", "重点领域", "回应", "解读", "平台建设", "公开平台", "公开载体", "网站", "新闻发布"),
        ("proactive", "主动公开", "主动", "重点领域", "平台建设"),
    ),
    (
        "overview",
        ("概述", "概况", "总体情况", "基本情况", "组织领导", "制度建设", "工作机制", "队伍建设", "监督保障",
         "信息管理"),
        ("overview", "概述", "概况", "总体情况", "总体", "基本情况", "总况", "summary", "前言", "preamble"),
    ),
    ("other", ("其他", "其它", "说明", "人大代表建议", "政协提案", "机构建设", "保障经费", "经费"),
     ("other", "others", "其他", "其它")),
)

_ALIASES: dict[str, str] = {}
for _key, _keywords, _aliases in _SECTION_TABLE:
    for _alias in _aliases:
        _ALIASES.setdefault(_alias, _key)

# Traditional → simplified for the characters seen in disclosure headings (mirror sites serve big5).
_TRADITIONAL = str.maketrans(
    "總體況概動開請費減復議訟訴問題進報項說於關處務資導領組織設點應讀臺構經結轉辦數據統計與門區縣鎮鄉實發"
    "見規範級負責號劃條決場將專護為個會訊錶題況齊際勵維權聯網絡對稱並從來時間們這標準層決轄獲",
    "总体况概动开请费减复议讼诉问题进报项说于关处务资导领组织设点应读台构经结转办数据统计与门区县镇乡实发"
    "见规范级负责号划条决场将专护为个会讯表题况齐际励维权联网络对称并从来时间们这标准层决辖获",
)


# -- heading and alias matching ------------------------------------------------------------------
# The numerals of top-level headings (一 … 二十) and the dashes some sites type for 一; the section
# splitter builds its heading patterns from the same pieces.
HEADING_NUMERAL = r"二十|十[一二三四五六七八九]?|[一二三四五六七八九]"
HEADING_DASH = r"[—–\-－─―‐━]"
TRAILING_PUNCT = "。：:；;，,、 \t\u3000\xa0"
_WS = re.compile(r"\s+")


def normalize_heading(text: str) -> str:
    """Matching form: NFKC, simplified characters, no whitespace, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    return _WS.sub("", text).lower()


_LEADING_NUMBER = re.compile(
    rf"^(?:(?:{HEADING_NUMERAL}|{HEADING_DASH})[、，,.．]|[（(](?:[一二三四五六七八九十]+|\d+)[）)]|\d+[.、．])"
)


@functools.lru_cache(maxsize=8192)  # headings repeat across a corpus; keeps splitting linear and cheap
def match_heading(heading: str) -> str | None:
    """The canonical key of a heading, or None when no row of the table recognises it."""
    norm = normalize_heading(heading)
    norm = _LEADING_NUMBER.sub("", norm).strip(TRAILING_PUNCT)
    if not norm:
        return None
    if norm in _ALIASES:
        return _ALIASES[norm]
    for key, keywords, _aliases in _SECTION_TABLE:
        for word in keywords:
            if word in norm:
                return key
    return None


def canonical_key(heading: str) -> str:
    """Map a section heading (with or without its number) to one of SECTION_KEYS; unknown → "other"."""
    return match_heading(heading) or "other"


def resolve_section(value: str) -> str:
    """Turn a user's section choice (a key or a Chinese alias) into a canonical key."""
    norm = normalize_heading(value).strip(TRAILING_PUNCT)
    if norm in SECTION_KEYS:
        return norm
    if norm in _ALIASES:
        return _ALIASES[norm]
    key = match_heading(value) if len(norm) >= 4 else None  # longer phrases: a heading the user copied
    if key is not None:
        return key
    raise UnknownSectionError(_(
        "unknown section {value!r}: use one of overview, proactive, requests, fees, appeals, problems, other "
        "(or 依申请公开, 复议 …)").format(value=value))
