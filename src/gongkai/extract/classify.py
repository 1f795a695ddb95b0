"""Document type from the title (the year is chosen in `witness`).

Types (models.DOC_TYPES): annual_report (年度报告/年报), interpretation (政策解读/解读), guide (公开指南),
policy (意见, 办法, 规定, 实施方案, 条例, 细则, 政务公开工作要点 — also when issued by a 通知 "关于印发…"),
notice (通知, 公告, 通告, 公示, 通报 — also about a plan: "关于…调整方案的公示"), else other.
"""

from __future__ import annotations

import re

from .text import simplify

_ANNUAL_RE = re.compile(r"年度报告|年报|年度工作报告|信息公开工作报告|政务公开工作报告")
_REQUEST_FOR_REPORT_RE = re.compile(r"(?:报送|编制|做好|编写|填报).{0,30}年度报告.*(?:通知|函)$")
_INTERPRETATION_RE = re.compile(r"解读")
_GUIDE_RE = re.compile(r"公开指南|信息公开指南|办事指南|服务指南")
_POLICY_RE = re.compile(
    r"意见|办法|规定|实施方案|工作方案|行动方案|方案|条例|细则|工作要点|要点|规划|规则|制度|措施|准则|决定"
)
_NOTICE_RE = re.compile(r"通知|公告|通告|公示|通报")
# A notice about a plan ("关于…调整方案的公示") is a notice; one that issues it ("关于印发…方案的通知") is the plan.
_NOTICE_END_RE = re.compile(r"(?:通知|公告|通告|公示|通报)$")
_ISSUES_RE = re.compile(r"印发|转发|颁布|发布")


def classify(title: str) -> str:
    """One of DOC_TYPES for a document title."""
    t = simplify(re.sub(r"\s+", "", title))
    if _ANNUAL_RE.search(t) and not _REQUEST_FOR_REPORT_RE.search(t):
        return "annual_report"
    if _INTERPRETATION_RE.search(t):
        return "interpretation"
    if _GUIDE_RE.search(t):
        return "guide"
    if _POLICY_RE.search(t) and not (_NOTICE_END_RE.search(t) and not _ISSUES_RE.search(t)):
        return "policy"
    if _NOTICE_RE.search(t):
        return "notice"
    return "other"
