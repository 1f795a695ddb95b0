"""Generate the bundled demo disclosure site under src/gongkai/demo/site/.

The site is an invented city portal (青溪市) modelled on the TRS / 开普云 / 大汉 CMS pages
described in /work/shared/FORMATS.md: annual disclosure reports in both outlines, notices,
policy documents, interpretations and guides, list pages with three pagination styles,
GBK pages, lying charset declarations, PDF/DOCX attachments, `_wap.html` duplicates and a
robots.txt. Every link is root-relative, so the site works on any localhost port.

The output is deterministic: same script, same bytes (fixed random seeds, fixed PDF
creation dates, fixed ZIP timestamps in the DOCX files). Run it from the repository root:

    .venv/bin/python scripts/make_demo_site.py

PDFs need the WenQuanYi Micro Hei font; without it the script keeps the PDFs already in
the site directory (the committed ones) and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import random
import shutil
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SITE_DIR = ROOT / "src" / "gongkai" / "demo" / "site"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

SITE_NAME = "青溪市人民政府"
SITE_DOMAIN = "www.qingxi.gov.cn"  # appears only in meta tags, never in links
SITE_ID = "3312000001"
PROVINCE_RULE = "《江川省政府信息公开规定》"
PORTAL = "青溪市人民政府门户网站"

CN_DIGITS = "〇一二三四五六七八九"
CN_NUMS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

# ---------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    me: str  # how the body refers to itself: 我办, 我局 …
    office: str  # the office that handles disclosure
    index_fmt: str  # 索引号 pattern, {y} year, {n} serial
    address: str
    phone: str
    wechat: str
    topics: str  # proactive-disclosure focus areas
    req_topics: str  # what applicants ask about
    scale: float  # how busy the agency is
    style: str  # "city" or "district" page family


AGENCIES: dict[str, Agency] = {
    a.key: a
    for a in [
        Agency(
            "gov",
            "青溪市人民政府办公室",
            "我办",
            "市政务公开办公室",
            "QX00101-0201-{y}-{n:05d}",
            "青溪市江滨路188号市行政中心2号楼",
            "（0736）5212345",
            "青溪发布",
            "政府常务会议、重大行政决策预公开、政府工作报告、重点建设项目",
            "征地拆迁补偿、规划审批、历史文件查阅",
            3.0,
            "city",
        ),
        Agency(
            "fin",
            "青溪市财政局",
            "我局",
            "局办公室",
            "005267300/{y}-{n:05d}",
            "青溪市文昌路26号",
            "（0736）5236018",
            "青溪财政",
            "部门预决算、政府采购、财政专项资金管理、政府债务",
            "财政资金拨付、政府采购项目、专项资金分配",
            1.2,
            "city",
        ),
        Agency(
            "edu",
            "青溪市教育局",
            "我局",
            "局政策法规科",
            "11331200MB1C58402K/{y}-{n:05d}",
            "青溪市学府路9号",
            "（0736）5258870",
            "青溪教育",
            "招生入学、教育收费、教师招聘、学校安全和民办教育",
            "学区划分、招生政策、民办学校审批",
            1.5,
            "city",
        ),
        Agency(
            "eco",
            "青溪市生态环境局",
            "我局",
            "局办公室",
            "QX0035/{y}-{n:05d}",
            "青溪市清源路77号",
            "（0736）5271129",
            "青溪生态环境",
            "环境影响评价审批、环境质量状况、重点排污单位信息、环境行政处罚",
            "建设项目环评文件、企业排污情况、环境监测数据",
            1.4,
            "city",
        ),
        Agency(
            "dh",
            "青溪市东湖区人民政府",
            "我区",
            "区政府办公室（区政务公开办）",
            "113312010048201567/{y}-{n:08d}",
            "青溪市东湖区湖滨大道1号",
            "（0736）5308866",
            "东湖发布",
            "征地拆迁、棚户区改造、社会救助、重大建设项目",
            "征收补偿、土地审批、房屋登记",
            2.0,
            "district",
        ),
        Agency(
            "yl",
            "东湖区云岭镇人民政府",
            "我镇",
            "镇党政办公室",
            "DH0108/{y}-{n:05d}",
            "青溪市东湖区云岭镇云岭街12号",
            "（0736）5361023",
            "云岭镇政务",
            "惠农补贴、低保救助、农村危房改造、村务财务",
            "土地承包、宅基地审批、补贴发放",
            0.3,
            "district",
        ),
        Agency(
            "gx",
            "青溪高新区管委会",
            "我委",
            "管委会党政办公室",
            "11331200MB0D77215P/{y}-{n:05d}",
            "青溪高新区科创大道99号",
            "（0736）5389200",
            "青溪高新",
            "招商引资政策、企业扶持资金、建设项目审批、规划公示",
            "项目审批、企业补贴、土地出让",
            0.8,
            "city",
        ),
    ]
}

COLUMNS = {
    "zfxxgknb": ("政府信息公开年报", "/xxgk/zfxxgknb/index.shtml"),
    "tzgg": ("通知公告", "/xxgk/tzgg/index.html"),
    "zcwj": ("政策文件", "/xxgk/zcwj/index.html"),
    "zcjd": ("政策解读", "/xxgk/zcjd/index.html"),
    "xxgkzn": ("政府信息公开指南", "/xxgk/xxgkzn/index.html"),
}

# ---------------------------------------------------------------------------
# Sentence banks for annual reports ({A} agency, {S} self-reference, {Y} year …)
# ---------------------------------------------------------------------------

LEAD_EARLY = [
    "{Y}年，{A}认真贯彻落实《中华人民共和国政府信息公开条例》和省、市关于政务公开工作的部署要求，坚持以公开为常态、"
    "不公开为例外，围绕中心工作扎实推进政府信息公开，政府工作透明度进一步提高。",
    "{Y}年，{S}在市委、市政府的正确领导下，按照全市政务公开工作要点的要求，以群众关注关切为导向，健全工作机制，"
    "拓展公开渠道，较好地完成了年度政府信息公开各项工作任务。",
    "{Y}年，{S}把政府信息公开作为建设法治政府、服务型政府的重要抓手，进一步规范公开程序，丰富公开内容，"
    "强化监督检查，保障了人民群众的知情权、参与权和监督权。",
]
LEAD_LATE = [
    "{Y}年，{A}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院关于全面推进政务公开的决策部署，"
    "严格执行《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，不断深化政务公开，切实保障人民群众的知情权、参与权、"
    "表达权和监督权。",
    "{Y}年，{S}全面推进决策、执行、管理、服务、结果公开（以下简称“五公开”），着力加强政策解读和回应社会关切，"
    "持续提升政务公开标准化规范化水平，政府信息公开工作取得了新的进展。",
    "{Y}年，{S}以提升政务公开质量和实效为目标，聚焦群众办事需求和企业发展关切，推动政务公开与政务服务深度融合，"
    "各项工作有序推进。",
]
ORG = [
    "调整充实了政务公开工作领导小组，由主要负责同志任组长、分管负责同志任副组长，各科室负责人为成员，领导小组办公室设在"
    "{office}，配备专兼职工作人员{k}名，形成了主要领导亲自抓、分管领导具体抓、专人负责落实的工作格局。",
    "将政务公开工作纳入年度目标责任制考核，考核分值占比提高到{pct}%，对工作落实不到位的科室进行通报并督促整改。",
    "全年召开政务公开工作专题会议{k}次，研究部署年度重点任务，协调解决工作推进中遇到的困难和问题。",
    "组织开展政务公开业务培训{k}次，培训工作人员{n}人次，邀请省、市相关专家就公开属性认定、依申请公开答复规范等内容"
    "进行专题辅导。",
    "在门户网站公布监督举报电话和电子邮箱，主动接受社会监督，全年收到社会评议意见{k}条，均已按规定办理并反馈。",
    "严格落实政府信息公开工作责任追究制度，本年度未发生因政府信息公开工作不到位而被责任追究的情况。",
    "将政务公开工作纳入全年督查计划，采取网络巡查与实地检查相结合的方式开展督查{k}次，发现问题{k2}个，已全部整改到位。",
]
MGMT = [
    "严格执行公文公开属性源头认定制度，在公文拟制环节明确“主动公开”“依申请公开”“不予公开”属性，对不予公开的说明理由，"
    "全年经源头认定的公文共{n}件。",
    "落实“先审查、后公开”和“一事一审”要求，健全保密审查机制，本年度未发生泄密事件或因公开不当引发的负面舆情。",
    "开展规范性文件清理工作，对{n}件规范性文件进行全面梳理，废止{k}件、宣布失效{k2}件，并在门户网站集中公布清理结果。",
    "根据机构职能调整情况，及时修订{A}政府信息公开指南和主动公开目录，确保指南内容准确、目录要素完整。",
    "规范政府信息公开申请办理流程，实行登记、审核、办理、答复、归档全流程闭环管理，做到件件有登记、事事有回音。",
    "加强公开内容的动态调整，对超过有效期或已废止的文件及时在页面进行标注，确保公开信息的准确性和时效性。",
]
PROACTIVE = [
    "全年通过{portal}主动公开政府信息{n}条，其中政策文件{a}条、工作动态{b}条、财政预决算信息{c}条、人事信息{d}条。",
    "围绕{topics}等重点领域，持续加大信息公开力度，做到应公开尽公开、及时准确公开。",
    "坚持政策文件与解读材料同步组织、同步审签、同步部署，全年发布政策解读{k2}篇，其中图解、视频等多元化解读{k3}篇，"
    "主要负责同志带头解读{k4}次。",
    "做好预决算公开工作，在门户网站“财政预决算”专栏公开部门预算、部门决算和“三公”经费预决算情况，公开内容细化到"
    "功能分类项级科目。",
    "加强政务舆情回应，健全舆情收集、研判、处置和回应机制，全年回应公众关注热点{k}次，办理“12345”政务服务热线转办件"
    "{n2}件，按时办结率100%。",
    "扎实推进基层政务公开标准化规范化，编制完善重点领域公开事项标准目录，明确公开内容、公开时限和公开渠道。",
    "通过政府开放日、新闻发布会、在线访谈等形式扩大公众参与，全年举办新闻发布会{k}场，邀请利益相关方和群众代表列席"
    "会议{k2}人次。",
    "重大行政决策事项在决策前向社会公开征求意见{k}次，收到意见建议{n3}条，采纳情况及理由均已及时反馈。",
]
REQUEST_TEXT = [
    "全年共收到政府信息公开申请{new}件，上年结转{carry}件，已按照法定时限办结答复{done}件，结转下年度继续办理{next}件。",
    "从申请内容看，主要集中在{req_topics}等方面。",
    "进一步规范依申请公开答复文书格式，统一告知书范本，答复内容做到依据充分、理由明确、救济渠道告知完整。",
    "对申请内容不明确的，及时与申请人沟通并出具补正告知书，指导申请人准确描述所需信息。",
    "畅通网络、信函、当面等多种申请渠道，在政务服务中心设置政府信息公开申请受理点，方便群众查阅和申请。",
    "建立依申请公开会商机制，对涉及多个部门和敏感事项的申请，会同法制、保密等部门共同研究答复意见。",
]
PLATFORM = [
    "持续优化{portal}政府信息公开专栏，按照统一标准规范栏目设置，全年新增、调整栏目{k}个，及时清理“空白栏目”“僵尸栏目”。",
    "加强政务新媒体管理，“{wechat}”微信公众号全年发布信息{n}条，关注人数达到{m}人，政务微博同步发布信息{n2}条。",
    "严格落实政务新媒体“三审三校”制度，对开设的政务新媒体账号进行定期检查，全年关停整合账号{k}个。",
    "发挥政务服务中心、档案馆、图书馆等场所的政府信息查阅点作用，为公众提供便捷的查阅服务。",
    "利用政务公开专区、村（社区）公开栏、电子显示屏等线下渠道，打通政务公开“最后一公里”。",
]
PLATFORM_LATE = [
    "推进政府网站集约化建设，完成网站适老化和无障碍改造，提升移动端访问体验。",
    "依托政务服务网“一件事”专区，同步公开办事指南{n}项，实现办事信息“一网通查”。",
]
PROBLEMS = [
    "主动公开的深度和广度还不够，部分信息公开内容不够全面、更新不够及时",
    "政策解读形式比较单一，图表图解、音视频等多元化解读产品较少，解读的针对性和实效性有待增强",
    "工作人员业务能力有待提高，对《条例》的理解和运用不够深入，依申请公开答复的规范性还需加强",
    "政务新媒体运营力量薄弱，互动回应不够及时",
    "基层政务公开标准化规范化建设推进不够平衡，部分公开事项目录更新滞后",
    "公众参与的渠道和形式还不够丰富，政民互动效果有待提升",
    "信息发布审核把关还不够严格，个别信息存在格式不规范、链接失效等问题",
]
MEASURES = [
    "进一步加大主动公开力度，围绕群众关切和重点领域，及时、准确、全面地公开政府信息",
    "加强政策解读工作，丰富解读形式，推动解读材料与政策文件同步发布",
    "加强业务培训，定期组织工作人员学习《条例》和相关业务知识，提升依申请公开办理水平",
    "强化政务新媒体日常管理，落实专人负责，提高信息发布和互动回应质量",
    "完善考核评价机制，加大督查通报力度，推动各项公开任务落到实处",
    "持续更新完善基层政务公开标准目录，推动公开事项与办事服务深度融合",
    "严格执行信息发布“三审”制度，定期开展网站内容自查，确保信息准确规范",
]
ORDINALS = ["一是", "二是", "三是", "四是"]

STAT_PERIOD = [
    "本报告中所列数据的统计期限自{Y}年1月1日起至{Y}年12月31日止。",
    "本报告所列数据统计时限自{Y}年1月1日至{Y}年12月31日。",
    "本报告数据统计期限从{Y}年1月1日到{Y}年12月31日止。",
    "统计期为{Y}年1月1日至{Y}年12月31日。",
]

# ---------------------------------------------------------------------------
# Content model
# ---------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    head: bool = False


@dataclass
class Table:
    rows: list[list[Cell]]  # as laid out in HTML, with merged cells
    flat: list[list[str]]  # one row per line, for PDF and DOCX


Block = tuple[str, Any]  # ("title"|"h"|"sub"|"p"|"sign"|"table", payload)


@dataclass
class Doc:
    key: str
    title: str
    agency: Agency
    doc_type: str
    year: int
    published: dt.datetime
    written: dt.date
    column: str
    blocks: list[Block]
    doc_no: str = ""
    topic: str = ""
    outline: str | None = None
    index_serial: int = 1
    template: str = ""
    encoding: str = "utf-8"
    declared: str = "utf-8"
    meta: bool = True
    body: str = "full"  # "full" | "empty" | "see_attachment"
    attach: list[dict[str, Any]] = field(default_factory=list)
    wap: bool = False
    zero_blank: bool = False
    url: str = ""
    section_keys: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def index_no(self) -> str:
        return self.agency.index_fmt.format(y=self.written.year, n=self.index_serial)


def _fmt(text: str, ctx: dict[str, Any]) -> str:
    return text.format(**ctx)


def _pick(rng: random.Random, pool: list[str], k: int, ctx: dict[str, Any]) -> str:
    return "".join(_fmt(s, {**ctx, **_numbers(rng, ctx["scale"])}) for s in rng.sample(pool, k))


def _cn_date(d: dt.date, latin_o: bool = False) -> str:
    zero = "O" if latin_o else "〇"
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year)).replace("〇", zero)

    def small(n: int) -> str:
        if n <= 10:
            return CN_NUMS[n]
        if n < 20:
            return "十" + CN_NUMS[n - 10]
        return CN_NUMS[n // 10] + "十" + (CN_NUMS[n % 10] if n % 10 else "")

    return f"{year}年{small(d.month)}月{small(d.day)}日"


def _numbers(rng: random.Random, scale: float) -> dict[str, Any]:
    """Fresh figures for one sentence, so two sentences never share a number by accident."""
    k2 = rng.randint(3, 15)
    return {
        "k": rng.randint(2, 6),
        "k2": k2,
        "k3": rng.randint(1, 3),
        "k4": rng.randint(1, 3),
        "pct": rng.choice([3, 4, 5, 6]),
        "n": int(rng.randint(120, 900) * scale),
        "n2": int(rng.randint(40, 400) * scale),
        "n3": rng.randint(5, 80),
        "m": int(rng.randint(8000, 60000) * scale),
        "a": int(rng.randint(20, 90) * scale),
        "b": int(rng.randint(200, 700) * scale),
        "c": rng.randint(3, 30),
        "d": rng.randint(4, 40),
    }


def _ctx(rng: random.Random, agency: Agency, year: int) -> dict[str, Any]:
    return {
        "A": agency.name,
        "S": agency.me,
        "Y": year,
        "Y1": year + 1,
        "office": agency.office,
        "portal": PORTAL if agency.key != "dh" else "东湖区人民政府门户网站",
        "wechat": agency.wechat,
        "topics": agency.topics,
        "req_topics": agency.req_topics,
        "scale": agency.scale,
        **_numbers(rng, agency.scale),
    }


# ---------------------------------------------------------------------------
# Statistics tables of the 2019+ template
# ---------------------------------------------------------------------------

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
WITHHELD = [
    ("s1", "1.属于国家秘密"),
    ("s2", "2.其他法律行政法规禁止公开"),
    ("s3", "3.危及“三安全一稳定”"),
    ("s4", "4.保护第三方合法权益"),
    ("s5", "5.属于三类内部事务信息"),
    ("s6", "6.属于四类过程性信息"),
    ("s7", "7.属于行政执法案卷"),
    ("s8", "8.属于行政查询事项"),
]
UNAVAILABLE = [
    ("n1", "1.本机关不掌握相关政府信息"),
    ("n2", "2.没有现成信息需要另行制作"),
    ("n3", "3.补正后申请内容仍不明确"),
]
NOT_HANDLED = [
    ("r1", "1.信访举报投诉类申请"),
    ("r2", "2.重复申请"),
    ("r3", "3.要求提供公开出版物"),
    ("r4", "4.无正当理由大量反复申请"),
    ("r5", "5.要求行政机关确认或重新出具已获取信息"),
]
OTHER_2021 = [
    ("o1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("o2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("o3", "3.其他"),
]


def _result_groups(year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    other = [("o", "")] if year < 2021 else OTHER_2021
    return [
        ("（一）予以公开", [("open", "")]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [("partial", "")]),
        ("（三）不予公开", WITHHELD),
        ("（四）无法提供", UNAVAILABLE),
        ("（五）不予处理", NOT_HANDLED),
        ("（六）其他处理", other),
    ]


def _request_stats(rng: random.Random, agency: Agency, year: int) -> dict[str, list[int]]:
    """Per-row lists of 7 numbers (6 applicant types + total) that satisfy 新收+结转=总计+结转下年."""
    s = agency.scale
    new = [
        int(rng.randint(4, 40) * s),
        int(rng.randint(0, 6) * s),
        rng.choice([0, 0, 0, 1]),
        rng.choice([0, 0, 1]),
        int(rng.randint(0, 3) * min(s, 1.5)),
        rng.randint(0, 2),
    ]
    if agency.key == "yl":
        new = [rng.randint(1, 4), rng.choice([0, 1]), 0, 0, 0, 0]
    carry = [rng.randint(0, 3) if s >= 1 else 0, rng.choice([0, 0, 1]) if s >= 1 else 0, 0, 0, 0, 0]
    nxt = [min(rng.randint(0, 3), new[0] + carry[0]), 0, 0, 0, 0, 0]
    keys = [k for _, items in _result_groups(year) for k, _ in items]
    weights = {
        "open": 40,
        "partial": 10,
        "s1": 1,
        "s2": 1,
        "s3": 1,
        "s4": 3,
        "s5": 2,
        "s6": 3,
        "s7": 1,
        "s8": 2,
        "n1": 22,
        "n2": 4,
        "n3": 3,
        "r1": 3,
        "r2": 3,
        "r3": 1,
        "r4": 1,
        "r5": 1,
        "o": 3,
        "o1": 2,
        "o2": 0,
        "o3": 1,
    }
    rows: dict[str, list[int]] = {k: [0] * 6 for k in keys}
    for col in range(6):
        done = new[col] + carry[col] - nxt[col]
        for pick in rng.choices(keys, [weights[k] for k in keys], k=done):
            rows[pick][col] += 1
    rows["new"], rows["carry"], rows["next"] = new, carry, nxt
    rows["total"] = [sum(rows[k][c] for k in keys) for c in range(6)]
    return {k: v + [sum(v)] for k, v in rows.items()}


def _num(n: int, blank: bool) -> str:
    return "&nbsp;" if blank and n == 0 else str(n)


def _requests_table(stats: dict[str, list[int]], year: int, blank: bool) -> Table:
    h = [
        [
            Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, True),
            Cell("申请人情况", 7, 1, True),
        ],
        [Cell("自然人", 1, 2, True), Cell("法人或其他组织", 5, 1, True), Cell("总计", 1, 2, True)],
        [
            Cell("商业<br />企业", head=True),
            Cell("科研<br />机构", head=True),
            Cell("社会公益<br />组织", head=True),
            Cell("法律服务<br />机构", head=True),
            Cell("其他", head=True),
        ],
    ]
    flat = [["", *APPLICANTS, "总计"]]

    def nums(key: str) -> list[Cell]:
        return [Cell(_num(n, blank)) for n in stats[key]]

    rows = list(h)
    rows.append([Cell("一、本年新收政府信息公开申请数量", 3), *nums("new")])
    flat.append(["一、本年新收政府信息公开申请数量", *map(str, stats["new"])])
    rows.append([Cell("二、上年结转政府信息公开申请数量", 3), *nums("carry")])
    flat.append(["二、上年结转政府信息公开申请数量", *map(str, stats["carry"])])
    groups = _result_groups(year)
    span = sum(len(items) for _, items in groups) + 1
    first = True
    for label, items in groups:
        for i, (key, sub) in enumerate(items):
            row: list[Cell] = []
            if first:
                row.append(Cell("三、本年度办理结果", 1, span))
                first = False
            if not sub:
                row.append(Cell(label, 2))
                flat.append([("三、本年度办理结果 " if key == "open" else "") + label, *map(str, stats[key])])
            else:
                if i == 0:
                    row.append(Cell(label, 1, len(items)))
                row.append(Cell(sub))
                flat.append([(label + " " if i == 0 else "") + sub, *map(str, stats[key])])
            rows.append(row + nums(key))
    rows.append([Cell("（七）总计", 2), *nums("total")])
    flat.append(["（七）总计", *map(str, stats["total"])])
    rows.append([Cell("四、结转下年度继续办理", 3), *nums("next")])
    flat.append(["四、结转下年度继续办理", *map(str, stats["next"])])
    return Table(rows, flat)


def _appeals(rng: random.Random, agency: Agency) -> list[int]:
    def group(busy: bool) -> list[int]:
        if not busy:
            return [0, 0, 0, 0, 0]
        g = [rng.randint(0, 3), rng.choice([0, 0, 1]), rng.choice([0, 1]), rng.choice([0, 0, 1])]
        return g + [sum(g)]

    busy = agency.scale >= 1.4 and rng.random() < 0.8
    return group(busy) + group(busy and rng.random() < 0.6) + group(busy and rng.random() < 0.3)


def _appeals_table(nums: list[int], blank: bool) -> Table:
    res = ["结果<br />维持", "结果<br />纠正", "其他<br />结果", "尚未<br />审结", "总计"]
    rows = [
        [Cell("行政复议", 5, 1, True), Cell("行政诉讼", 10, 1, True)],
        [
            *(Cell(r, 1, 2, True) for r in res),
            Cell("未经复议直接起诉", 5, 1, True),
            Cell("复议后起诉", 5, 1, True),
        ],
        [Cell(r, head=True) for r in res * 2],
        [Cell(_num(n, blank)) for n in nums],
    ]
    plain = [r.replace("<br />", "") for r in res]
    flat = [
        ["行政复议"] * 5 + ["行政诉讼（未经复议直接起诉）"] * 5 + ["行政诉讼（复议后起诉）"] * 5,
        plain * 3,
        [str(n) for n in nums],
    ]
    return Table(rows, flat)


def _proactive_table(rng: random.Random, agency: Agency, year: int) -> tuple[Table, dict[str, Any]]:
    s = agency.scale
    regs = 0 if agency.key != "gov" else rng.randint(0, 2)
    norms = int(rng.randint(2, 12) * s)
    lic = int(rng.randint(30, 400) * s) if agency.key not in ("fin",) else rng.randint(0, 5)
    pen = int(rng.randint(5, 120) * s) if agency.key in ("eco", "dh", "gx", "yl") else rng.randint(0, 3)
    force = rng.randint(0, 12) if agency.key in ("eco", "dh") else 0
    fee = round(rng.uniform(0, 60) * s, 2) if agency.key in ("eco", "edu", "gx", "dh") else 0
    rows: list[list[Cell]] = []
    flat: list[list[str]] = []

    def add(cells: list[str], head: bool = False) -> None:
        rows.append([Cell(c, head=head) for c in cells])
        flat.append([c.replace("<br />", "") for c in cells])

    def section(label: str) -> None:
        rows.append([Cell(label, 4, head=True)])
        flat.append([label])

    if year < 2021:
        section("第二十条第（一）项")
        add(["信息内容", "本年新<br />制作数量", "本年新<br />公开数量", "对外公开总数量"], True)
        add(["规章", str(regs), str(regs), str(regs + rng.randint(0, 20) * (regs > 0))])
        add(["规范性文件", str(norms), str(norms), str(norms + int(rng.randint(10, 60) * s))])
        section("第二十条第（五）项")
        add(["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], True)
        add(["行政许可", str(rng.randint(5, 60)), str(rng.randint(-3, 5)), str(lic)])
        add(
            [
                "其他对外管理服务事项",
                str(rng.randint(0, 30)),
                str(rng.randint(-2, 3)),
                str(rng.randint(0, 200)),
            ]
        )
        section("第二十条第（六）项")
        add(["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], True)
        add(["行政处罚", str(rng.randint(0, 80)), str(rng.randint(-5, 5)), str(pen)])
        add(["行政强制", str(rng.randint(0, 10)), str(rng.randint(-1, 2)), str(force)])
        section("第二十条第（八）项")
        add(["信息内容", "上一年项目数量", "本年增/减", ""], True)
        add(["行政事业性收费", str(rng.randint(0, 12)), str(rng.randint(-2, 1)), ""])
        if year == 2019:
            section("第二十条第（九）项")
            add(["信息内容", "采购项目数量", "采购总金额", ""], True)
            add(["政府集中采购", str(rng.randint(3, 60)), f"{rng.randint(50, 9000)}万元", ""])
    else:
        section("第二十条第（一）项")
        add(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], True)
        add(["规章", str(regs), "0", str(regs + rng.randint(0, 20) * (regs > 0))])
        add(["行政规范性文件", str(norms), str(rng.randint(0, 4)), str(norms + int(rng.randint(10, 60) * s))])
        section("第二十条第（五）项")
        add(["信息内容", "本年处理决定数量", "", ""], True)
        add(["行政许可", str(lic), "", ""])
        section("第二十条第（六）项")
        add(["信息内容", "本年处理决定数量", "", ""], True)
        add(["行政处罚", str(pen), "", ""])
        add(["行政强制", str(force), "", ""])
        section("第二十条第（八）项")
        add(["信息内容", "本年收费金额（单位：万元）", "", ""], True)
        add(["行政事业性收费", f"{fee:.2f}" if fee else "0", "", ""])
    # HTML rows with an empty trailing column merge into the label cell visually; keep &nbsp; as real pages do
    for row in rows:
        for cell in row:
            if cell.text == "":
                cell.text = "&nbsp;"
    return Table(rows, flat), {"norms": norms, "licences": lic, "penalties": pen}


# ---------------------------------------------------------------------------
# Annual reports
# ---------------------------------------------------------------------------

OLD_HEADINGS = [
    ("overview", "概述"),
    ("proactive", "主动公开政府信息情况"),
    ("requests", "依申请公开政府信息情况"),
    ("fees", "政府信息公开的收费及减免情况"),
    ("appeals", "因政府信息公开申请提起行政复议、行政诉讼的情况"),
    ("problems", "存在的主要问题和改进措施"),
    ("other", "其他需要报告的事项"),
]
NEW_HEADINGS = [
    ("overview", "总体情况"),
    ("proactive", "主动公开政府信息情况"),
    ("requests", "收到和处理政府信息公开申请情况"),
    ("appeals", "政府信息公开行政复议、行政诉讼情况"),
    ("problems", "存在的主要问题及改进情况"),
    ("other", "其他需要报告的事项"),
]
SUBPARTS = ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]


def _numbered(rng: random.Random, pool: list[str], k: int) -> str:
    items = rng.sample(pool, k)
    return "；".join(ORDINALS[i] + it for i, it in enumerate(items)) + "。"


def _old_report(rng: random.Random, d: Doc, opts: dict[str, Any]) -> None:
    a, y = d.agency, d.year
    ctx = _ctx(rng, a, y)
    lead = LEAD_LATE if y >= 2018 else LEAD_EARLY
    blocks: list[Block] = []
    blocks.append(
        (
            "p",
            f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{PROVINCE_RULE}要求，特向社会公布"
            f"{y}年度{a.name}政府信息公开工作年度报告。本报告由概述、主动公开政府信息情况、依申请公开政府信息"
            "情况、政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议和行政诉讼的情况、存在的主要问题和"
            "改进措施、其他需要报告的事项等部分组成。"
            + _fmt(rng.choice(STAT_PERIOD), ctx)
            + f"如对本报告有任何疑问，请与{a.office}联系（地址：{a.address}，电话：{a.phone}）。",
        )
    )
    spaced = opts.get("spaced_headings", False)
    stats = _request_stats(rng, a, y)
    total_new, total_carry, total_next = stats["new"][6], stats["carry"][6], stats["next"][6]
    done = stats["total"][6]
    appeals = _appeals(rng, a)
    for i, (key, heading) in enumerate(OLD_HEADINGS, start=1):
        num = CN_NUMS[i]
        shown = f"{num} {' '.join(heading)}" if spaced and len(heading) <= 4 else f"{num}、{heading}"
        blocks.append(("h", shown))
        d.section_keys.append(key)
        d.headings.append(shown)
        if key == "overview":
            blocks.append(("p", _fmt(rng.choice(lead), ctx)))
            org = rng.sample(ORG, 4)
            blocks.append(("p", "（一）加强组织领导。" + _pick(rng, org[:2], 2, ctx)))
            blocks.append(("p", "（二）健全制度机制。" + _pick(rng, MGMT, 2, ctx)))
            blocks.append(("p", "（三）拓展公开渠道。" + _pick(rng, PLATFORM, 2, ctx)))
            blocks.append(("p", "（四）强化监督考核。" + _pick(rng, org[2:], 2, ctx)))
        elif key == "proactive":
            n = ctx["n"]
            parts = [int(n * f) for f in (0.55, 0.2, 0.12)]
            blocks.append(
                (
                    "p",
                    f"{y}年，{a.me}共主动公开政府信息{n}条。其中，通过{ctx['portal']}公开{parts[0]}条，通过"
                    f"“{a.wechat}”政务微信、微博公开{parts[1]}条，通过政务公开栏、电子显示屏等其他方式公开"
                    f"{n - parts[0] - parts[1]}条。公开内容主要包括机构职能、政策文件、规划计划、财政预决算、"
                    f"人事信息以及{a.topics}等。",
                )
            )
            blocks.append(("p", _pick(rng, PROACTIVE[1:], 3, ctx)))
        elif key == "requests":
            if total_new == 0:
                blocks.append(("p", f"{y}年，{a.me}未收到政府信息公开申请。"))
            else:
                net = int(total_new * 0.6)
                letter = int(total_new * 0.15)
                agree = stats["open"][6] + stats["partial"][6]
                missing = stats["n1"][6]
                rest = done - agree - missing
                blocks.append(
                    (
                        "p",
                        f"{y}年，{a.me}共受理政府信息公开申请{total_new}件，其中网上申请{net}件、信函申请"
                        f"{letter}件、当面申请{total_new - net - letter}件。申请内容主要涉及{a.req_topics}"
                        f"等方面。已按期答复{done}件，其中同意公开或部分公开{agree}件，信息不存在{missing}件，"
                        f"不予公开、非本机关政府信息等其他情形{rest}件"
                        + (f"，另有{total_next}件转入下一年度办理" if total_next else "")
                        + "。",
                    )
                )
                if total_carry:
                    blocks.append(("p", f"上年度结转的{total_carry}件申请已于本年度全部办结。"))
            d.stats["requests_received"] = total_new
        elif key == "fees":
            blocks.append(
                (
                    "p",
                    rng.choice(
                        [
                            f"{y}年，{a.me}在政府信息公开工作中未收取任何费用，无减免情况。",
                            f"本年度{a.me}未向申请人收取检索、复制、邮寄等费用，未发生收费及减免情况。",
                            f"{y}年度，{a.me}依申请公开政府信息未收取费用。",
                        ]
                    ),
                )
            )
        elif key == "appeals":
            review, sued = appeals[4], appeals[9] + appeals[14]
            if review + sued == 0:
                blocks.append(("p", f"{y}年，{a.me}未发生因政府信息公开申请提起行政复议、行政诉讼的情况。"))
            else:
                blocks.append(
                    (
                        "p",
                        f"{y}年，{a.me}因政府信息公开申请被提起行政复议{review}件，其中维持原答复"
                        f"{appeals[0]}件、纠正{appeals[1]}件；被提起行政诉讼{sued}件，"
                        f"其中{appeals[5] + appeals[10]}件法院判决维持，其余案件尚在审理中。",
                    )
                )
            d.stats["appeals"] = {"review": review, "litigation": sued}
        elif key == "problems":
            k = rng.choice([2, 3])
            blocks.append(
                (
                    "p",
                    f"{y}年，{a.me}政府信息公开工作虽然取得了一定成效，但也存在一些问题："
                    + _numbered(rng, PROBLEMS, k),
                )
            )
            blocks.append(("p", f"{y + 1}年，{a.me}将重点做好以下工作：" + _numbered(rng, MEASURES, k + 1)))
        else:
            blocks.append(
                (
                    "p",
                    rng.choice(
                        [
                            f"{y}年，{a.me}无其他需要报告的事项。",
                            "无其他需要报告的事项。",
                            f"本年度{a.me}无需要说明的其他事项。",
                        ]
                    ),
                )
            )
    d.blocks = blocks
    d.outline = "old"


def _new_report(rng: random.Random, d: Doc, opts: dict[str, Any]) -> None:
    a, y = d.agency, d.year
    ctx = _ctx(rng, a, y)
    stats = _request_stats(rng, a, y)
    appeals = _appeals(rng, a)
    ptable, pstats = _proactive_table(rng, a, y)
    paren = ("(", ")") if opts.get("ascii_parens") else ("（", "）")
    ctx.update(new=stats["new"][6], carry=stats["carry"][6], done=stats["total"][6], next=stats["next"][6])
    blocks: list[Block] = []
    blocks.append(
        (
            "p",
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，由{a.name}编制。"
            "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和"
            "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
            + _fmt(rng.choice(STAT_PERIOD), ctx)
            + f"本报告电子版可在{ctx['portal']}查阅或下载。如对本报告有疑问，请与{a.office}联系"
            f"（地址：{a.address}；电话：{a.phone}）。",
        )
    )
    lead = LEAD_LATE
    for i, (key, heading) in enumerate(NEW_HEADINGS, start=1):
        num = CN_NUMS[i]
        if key == "overview" and opts.get("year_in_heading"):
            heading = f"{y}年政府信息公开总体情况"
        dash = key == "overview" and opts.get("dash_number")
        shown = f"—、{heading}" if dash else f"{num}、{heading}"
        blocks.append(("h", shown))
        d.section_keys.append(key)
        d.headings.append(shown)
        if key == "overview":
            blocks.append(("p", _fmt(rng.choice(lead), ctx)))
            bodies = [
                _pick(rng, PROACTIVE, 3, ctx),
                _pick(rng, REQUEST_TEXT[:1], 1, ctx) + _pick(rng, REQUEST_TEXT[1:], 2, ctx),
                _pick(rng, MGMT, 2, ctx),
                _pick(rng, PLATFORM + (PLATFORM_LATE if y >= 2020 else []), 3, ctx),
                _pick(rng, ORG, 3, ctx),
            ]
            for j, (sub, body) in enumerate(zip(SUBPARTS, bodies, strict=True), start=1):
                blocks.append(("sub", f"{paren[0]}{CN_NUMS[j]}{paren[1]}{sub}"))
                blocks.append(("p", body))
        elif key == "proactive":
            blocks.append(("table", ptable))
        elif key == "requests":
            blocks.append(("table", _requests_table(stats, y, d.zero_blank)))
        elif key == "appeals":
            blocks.append(("table", _appeals_table(appeals, d.zero_blank)))
        elif key == "problems":
            k = rng.choice([2, 3])
            if y >= 2021:
                blocks.append(("p", f"{paren[0]}一{paren[1]}上年度问题整改情况"))
                blocks.append(
                    (
                        "p",
                        f"针对上年度报告中提出的问题，{a.me}逐项制定整改措施："
                        + _numbered(rng, MEASURES, 2)
                        + "上述问题已基本整改到位。",
                    )
                )
                blocks.append(("p", f"{paren[0]}二{paren[1]}存在的主要问题及改进措施"))
            blocks.append(
                (
                    "p",
                    f"{y}年，{a.me}政府信息公开工作取得了一定成效，但对照新形势新要求，仍存在一些不足："
                    + _numbered(rng, PROBLEMS, k),
                )
            )
            blocks.append(("p", f"下一步，{a.me}将着力做好以下工作：" + _numbered(rng, MEASURES, k + 1)))
        else:
            fee = (
                f"依据《政府信息公开信息处理费管理办法》，本年度{a.me}未发出收费通知，收取信息处理费0元。"
                if y >= 2021
                else f"本年度{a.me}未收取政府信息公开相关费用。"
            )
            extra = rng.choice(
                [
                    f"本年度{a.me}共承办人大代表建议{rng.randint(2, 30)}件、政协委员提案{rng.randint(2, 30)}件，均已在规定"
                    "时限内办结，办复率100%，相关办理复文已按规定公开。",
                    f"本年度政务公开工作要点确定的各项任务已全部落实，落实情况已在{ctx['portal']}公开。",
                    "无其他需要报告的事项。",
                ]
            )
            blocks.append(("p", fee + extra))
    d.blocks = blocks
    d.outline = "2019"
    d.stats = {
        "requests_received": stats["new"][6],
        "requests_carried_over": stats["carry"][6],
        "requests_total_results": stats["total"][6],
        "requests_carried_forward": stats["next"][6],
        "requests_by_applicant_new": stats["new"][:6],
        "appeals": appeals,
        **pstats,
    }


def _sign(d: Doc) -> None:
    d.blocks.append(("sign", d.agency.name))
    d.blocks.append(
        (
            "sign",
            _cn_date(d.written)
            if d.written.year < 2019
            else f"{d.written.year}年{d.written.month}月{d.written.day}日",
        )
    )


# ---------------------------------------------------------------------------
# The other document kinds (hand-written, agency-specific)
# ---------------------------------------------------------------------------


def _notice(
    opening: str, items: list[tuple[str, str]], closing: str = "特此通知。", attachment: str | None = None
) -> list[Block]:
    blocks: list[Block] = [("p", opening)]
    for i, (head, text) in enumerate(items, start=1):
        blocks.append(("h", f"{CN_NUMS[i]}、{head}"))
        blocks.append(("p", text))
    blocks.append(("p", closing))
    if attachment:
        blocks.append(("p", f"附件：{attachment}"))
    return blocks


NOTICE_SPECS: list[dict[str, Any]] = [
    dict(
        key="n1",
        agency="gov",
        signer="青溪市人民政府",
        title="青溪市人民政府关于2016年春节期间燃放烟花爆竹有关事项的通告",
        pub="2016-01-28 16:05:12",
        doc_no="青政通〔2016〕1号",
        topic="公安、安全生产",
        blocks=_notice(
            "为保障人民群众生命财产安全，减少环境污染，维护良好的社会秩序，根据《烟花爆竹安全管理条例》"
            "和《青溪市烟花爆竹燃放管理规定》，现就2016年春节期间燃放烟花爆竹有关事项通告如下：",
            [
                (
                    "燃放时间",
                    "2016年2月7日（除夕）至2月22日（元宵节），市区禁放区域以外的地点每日7时至24时可以燃放"
                    "烟花爆竹，除夕夜全天可以燃放。",
                ),
                (
                    "禁止燃放区域",
                    "文物保护单位、车站、码头、加油站、医疗机构、学校、幼儿园、养老机构以及山林等重点"
                    "防火区，禁止燃放烟花爆竹。",
                ),
                (
                    "销售管理",
                    "烟花爆竹零售网点应当持证经营，不得销售非法生产、经营的烟花爆竹，不得超量储存。",
                ),
                (
                    "法律责任",
                    "违反本通告规定的，由公安机关依照《治安管理处罚法》等法律法规予以处罚；造成人身伤害"
                    "或财产损失的，依法承担民事责任；构成犯罪的，依法追究刑事责任。",
                ),
            ],
            closing="本通告自发布之日起施行。",
        ),
    ),
    dict(
        key="n2",
        agency="edu",
        title="青溪市教育局关于公布2016年度民办学校年度检查结果的公告",
        pub="2017-04-10 10:12:40",
        doc_no="青教民〔2017〕5号",
        topic="教育",
        blocks=_notice(
            "根据《中华人民共和国民办教育促进法》及其实施条例和《青溪市民办学校年度检查办法》，我局组织对全市"
            "民办学校2016年度办学情况进行了检查。现将检查结果公告如下：",
            [
                (
                    "检查范围",
                    "本次年度检查对象为经我局审批设立的民办幼儿园、民办中小学校和民办教育培训机构共"
                    "146所（家）。",
                ),
                (
                    "检查结果",
                    "年检合格128所，基本合格14所，不合格4所。基本合格和不合格的学校名单详见我局门户网站"
                    "“民办教育”专栏。",
                ),
                (
                    "整改要求",
                    "年检基本合格的学校应于2017年6月30日前完成整改并报送整改报告；年检不合格的学校应当"
                    "暂停招生，整改期满复查仍不合格的，依法予以处理。",
                ),
            ],
            closing="特此公告。",
        ),
    ),
    dict(
        key="n3",
        agency="gov",
        title="青溪市人民政府办公室关于调整青溪市政务公开工作领导小组成员的通知",
        pub="2018-06-15 15:40:03",
        doc_no="青政办发〔2018〕37号",
        topic="综合政务、政务公开",
        blocks=_notice(
            "各县（市、区）人民政府，市政府各部门、各直属单位：因人事变动和工作需要，经市政府同意，决定对"
            "青溪市政务公开工作领导小组成员进行调整。现将有关事项通知如下：",
            [
                (
                    "领导小组组成",
                    "组长由市政府常务副市长担任，副组长由市政府分管副秘书长、市政府办公室主任担任，"
                    "成员由市发展改革委、市财政局、市教育局、市生态环境局等28个部门分管负责同志"
                    "组成。",
                ),
                (
                    "主要职责",
                    "领导小组负责统筹协调全市政务公开工作，研究解决政务公开工作中的重大问题，指导督促"
                    "各地各部门落实政务公开各项任务。",
                ),
                (
                    "办事机构",
                    "领导小组办公室设在市政府办公室，承担领导小组日常工作。领导小组成员如有变动，由"
                    "成员单位提出，报领导小组办公室备案，不再另行发文。",
                ),
            ],
        ),
    ),
    dict(
        key="n4",
        agency="gov",
        title="青溪市人民政府办公室关于做好2019年度政府信息公开工作年度报告编制发布工作的通知",
        pub="2019-12-20 09:00",
        doc_no="青政办函〔2019〕88号",
        topic="综合政务、政务公开",
        blocks=_notice(
            "各县（市、区）人民政府，市政府各部门、各直属单位：根据新修订的《中华人民共和国政府信息公开条例》"
            "第四十九条、第五十条规定，为做好2019年度政府信息公开工作年度报告（以下简称年度报告）编制发布"
            "工作，现将有关事项通知如下：",
            [
                (
                    "严格执行统一格式",
                    "各单位要严格按照《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作"
                    "年度报告格式的通知》要求编制年度报告，统计表格不得擅自增减栏目，确保数据"
                    "真实准确、前后一致。",
                ),
                (
                    "按时公开发布",
                    "各单位应于2020年1月31日前在本单位政府信息公开专栏“政府信息公开年报”栏目公开"
                    "年度报告，并报送市政务公开办公室备案。",
                ),
                (
                    "加强审核把关",
                    "年度报告应经本单位主要负责同志审定。市政务公开办公室将对各单位年度报告进行"
                    "抽查，对逾期未公布或内容不规范的予以通报。",
                ),
            ],
        ),
    ),
    dict(
        key="n5",
        agency="fin",
        title="青溪市财政局关于公开2020年市级部门预算的公告",
        pub="2020-02-14 17:20",
        doc_no="",
        topic="财政、预算、决算",
        blocks=[
            (
                "p",
                "根据《中华人民共和国预算法》和《地方预决算公开操作规程》有关规定，经市人民代表大会审查批准，现将"
                "2020年市级部门预算予以公开。",
            ),
            (
                "p",
                "本次共公开市级部门预算86个，公开内容包括部门职责及机构设置情况、部门收支总表、部门收入总表、"
                "部门支出总表、财政拨款收支总表、一般公共预算支出表、政府性基金预算支出表以及“三公”经费支出表"
                "等9张报表和情况说明。",
            ),
            ("p", "社会公众可登录青溪市人民政府门户网站“财政预决算”专栏查阅。如有疑问，请与各预算单位联系。"),
            ("p", "特此公告。"),
        ],
    ),
    dict(
        key="n6",
        agency="dh",
        title="青溪市东湖区人民政府关于征收湖滨片区集体土地的公告",
        pub="2020-07-08 11:02",
        doc_no="东政征〔2020〕12号",
        topic="城乡建设、土地",
        blocks=_notice(
            "根据《中华人民共和国土地管理法》和江川省人民政府《关于青溪市东湖区2020年度第3批次城市建设用地"
            "的批复》，现将征收集体土地有关事项公告如下：",
            [
                (
                    "征收范围",
                    "东湖区湖滨街道湖西村、湖东村部分集体土地，共计征收集体土地24.37公顷，其中农用地"
                    "21.05公顷、建设用地2.11公顷、未利用地1.21公顷。",
                ),
                (
                    "补偿标准",
                    "征收土地的区片综合地价按照《青溪市征地区片综合地价标准》执行，地上附着物和青苗"
                    "补偿费按照东湖区现行标准执行。",
                ),
                (
                    "办理补偿登记",
                    "被征收土地的所有权人、使用权人应当在本公告发布之日起15个工作日内，持土地权属"
                    "证明材料到湖滨街道办事处办理征地补偿登记。",
                ),
                (
                    "其他事项",
                    "自本公告发布之日起，在征收范围内抢栽、抢种、抢建的，不予补偿。对征地补偿安置"
                    "方案有异议的，可依法申请听证。",
                ),
            ],
            closing="特此公告。",
        ),
    ),
    dict(
        key="n7",
        agency="edu",
        title="青溪市教育局关于做好2021年义务教育阶段学校招生入学工作的通知",
        pub="2021-04-25 10:30",
        doc_no="青教基〔2021〕8号",
        topic="教育",
        blocks=_notice(
            "各县（市、区）教育局，市直各学校：为进一步规范义务教育阶段学校招生入学行为，保障适龄儿童少年"
            "依法接受义务教育，现就2021年义务教育阶段学校招生入学工作通知如下：",
            [
                (
                    "坚持免试就近入学",
                    "公办学校实行划片招生、免试就近入学，各地要科学合理划定学校招生片区，并于"
                    "5月15日前向社会公布。",
                ),
                (
                    "规范民办学校招生",
                    "民办义务教育学校招生纳入审批地统一管理，与公办学校同步招生；报名人数超过"
                    "招生计划的，实行电脑随机录取。",
                ),
                (
                    "保障特殊群体入学",
                    "进城务工人员随迁子女以居住证为主要依据入学，残疾儿童少年按照“一人一案”原则妥善安置。",
                ),
                (
                    "加强信息公开",
                    "各学校要通过门户网站、微信公众号等渠道公开招生计划、招生范围、招生程序和咨询"
                    "电话，主动接受社会监督。",
                ),
            ],
        ),
    ),
    dict(
        key="n8",
        agency="yl",
        title="东湖区云岭镇人民政府关于开展农村人居环境整治集中行动的通知",
        pub="2021-05-12 08:45",
        doc_no="云政发〔2021〕6号",
        topic="农业、农村",
        blocks=_notice(
            "各村（居）委会，镇属各单位：为进一步改善农村人居环境，巩固拓展脱贫攻坚成果，经镇党委、政府研究，"
            "决定在全镇范围内开展农村人居环境整治集中行动。现将有关事项通知如下：",
            [
                ("整治时间", "2021年5月15日至8月31日。"),
                (
                    "整治内容",
                    "重点清理房前屋后生活垃圾、乱堆乱放杂物、河塘沟渠漂浮物，拆除残垣断壁和违章搭建，"
                    "整治畜禽散养。",
                ),
                (
                    "工作要求",
                    "各村要成立工作专班，明确责任人，建立整治台账，每周五前将整治进度报镇党政办公室。"
                    "镇里将组织不定期督查，督查结果纳入年度考核。",
                ),
            ],
        ),
    ),
    dict(
        key="n9",
        agency="gov",
        title="青溪市人民政府办公室关于开展2022年“政府开放日”活动的通知",
        pub="2022-04-18 16:22",
        doc_no="青政办发〔2022〕21号",
        topic="综合政务、政务公开",
        attachment_docx=True,
        blocks=_notice(
            "各县（市、区）人民政府，市政府各部门：为进一步扩大公众参与，增进社会各界对政府工作的了解和支持，"
            "市政府决定开展2022年“政府开放日”活动。现将有关事项通知如下：",
            [
                ("活动主题", "“走进政府 共话发展”。"),
                (
                    "活动安排",
                    "活动于每季度第二个月的最后一个星期五举行，每期围绕一个主题，邀请市民代表、企业代表、"
                    "人大代表、政协委员和新闻媒体参加，每期名额30人。",
                ),
                (
                    "报名方式",
                    "市民可通过青溪市人民政府门户网站下载填写报名表，发送至市政务公开办公室电子邮箱，"
                    "也可现场报名。",
                ),
                (
                    "工作要求",
                    "各承办单位要精心设计活动内容，认真听取和回应参与人员的意见建议，活动情况及意见"
                    "建议采纳情况在活动结束后10个工作日内向社会公开。",
                ),
            ],
            attachment="青溪市2022年“政府开放日”活动报名表.docx",
        ),
    ),
    dict(
        key="n10",
        agency="eco",
        title="青溪市生态环境局关于开展2022年度排污许可证执行报告检查的通知",
        pub="2022-03-09 14:10",
        doc_no="青环发〔2022〕15号",
        topic="环境监测、保护与治理",
        blocks=_notice(
            "各县（市、区）生态环境分局，各排污单位：为落实排污许可制度，督促排污单位履行按证排污主体责任，"
            "我局决定开展2022年度排污许可证执行报告检查。现将有关事项通知如下：",
            [
                ("检查对象", "全市持有排污许可证的重点管理和简化管理排污单位，共计1327家。"),
                (
                    "检查内容",
                    "执行报告提交的及时性、内容的完整性和数据的真实性，重点检查污染物实际排放量、"
                    "自行监测数据和环境管理台账记录。",
                ),
                (
                    "时间安排",
                    "排污单位自查阶段为3月15日至4月15日；分局抽查阶段为4月16日至6月30日，抽查比例不低于20%。",
                ),
                (
                    "结果运用",
                    "检查发现未按规定提交执行报告或者弄虚作假的，依法予以查处，并纳入企业环境信用评价。",
                ),
            ],
        ),
    ),
    dict(
        key="n11",
        agency="gx",
        title="青溪高新区管委会关于组织申报2023年度科技型中小企业扶持资金的通知",
        pub="2023-03-20 09:48",
        doc_no="青高管发〔2023〕4号",
        topic="科技、工业",
        blocks=_notice(
            "区内各有关企业：为加快培育科技型中小企业，根据《青溪高新区促进科技创新若干政策》，现组织开展2023"
            "年度科技型中小企业扶持资金申报工作，有关事项通知如下：",
            [
                (
                    "申报条件",
                    "在高新区注册并实际经营满一年、已入库国家科技型中小企业信息库、上年度研发费用占营业"
                    "收入比例不低于5%的企业。",
                ),
                (
                    "支持标准",
                    "对符合条件的企业，按上年度研发费用增量的10%给予补助，单个企业最高不超过50万元。",
                ),
                (
                    "申报材料",
                    "申报书、营业执照复印件、上年度财务审计报告、研发费用专项审计报告及其他证明材料。",
                ),
                ("申报时间", "2023年3月21日至4月20日，逾期不予受理。联系电话：（0736）5389215。"),
            ],
        ),
    ),
    dict(
        key="n12",
        agency="eco",
        title="青溪市生态环境局关于2023年第四季度重点排污单位监督性监测结果的公告",
        pub="2024-01-12 11:36",
        doc_no="",
        topic="环境监测、保护与治理",
        blocks=[
            (
                "p",
                "根据《环境保护法》和《企业事业单位环境信息公开办法》有关规定，现将2023年第四季度全市重点排污单位"
                "监督性监测结果公告如下：",
            ),
            (
                "p",
                "本季度共对87家重点排污单位开展监督性监测，其中废水监测52家、废气监测61家、噪声监测18家。监测结果"
                "显示，84家单位各项指标均达标排放，3家单位存在超标情况，达标率为96.6%。",
            ),
            (
                "p",
                "对超标排放的企业，我局已依法立案调查并责令限期整改，相关行政处罚信息将在“行政处罚”栏目另行公开。",
            ),
            ("p", "特此公告。"),
        ],
    ),
    dict(
        key="n13",
        agency="fin",
        title="青溪市财政局关于做好2024年政府采购意向公开工作的通知",
        pub="2024-03-06 15:03",
        doc_no="青财采〔2024〕2号",
        topic="财政、政府采购",
        blocks=_notice(
            "市级各预算单位：为进一步提高政府采购透明度，优化政府采购营商环境，根据财政部《关于开展政府采购意向"
            "公开工作的通知》，现就做好2024年政府采购意向公开工作通知如下：",
            [
                (
                    "公开范围",
                    "除以协议供货、定点采购方式实施的小额零星采购和由集中采购机构统一组织的批量集中采购"
                    "外，按项目实施的集中采购目录以内或者采购限额标准以上的货物、工程、服务采购均应"
                    "公开采购意向。",
                ),
                (
                    "公开内容",
                    "采购项目名称、采购需求概况、预算金额、预计采购时间等，政府采购意向按采购项目公开。",
                ),
                ("公开时间", "采购意向由预算单位在采购活动开始前30日在江川省政府采购网公开。"),
            ],
        ),
    ),
]


def _articles(intro: list[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = []
    n = 0
    for head, text in intro:
        if head:
            blocks.append(("h", head))
        if text:
            n += 1
            blocks.append(("p", f"第{_cn_count(n)}条  {text}"))
    return blocks


def _cn_count(n: int) -> str:
    if n <= 10:
        return CN_NUMS[n]
    if n < 20:
        return "十" + CN_NUMS[n - 10]
    return CN_NUMS[n // 10] + "十" + (CN_NUMS[n % 10] if n % 10 else "")


def _plan(opening: str, parts: list[tuple[str, list[tuple[str, str]]]]) -> list[Block]:
    blocks: list[Block] = [("p", opening)]
    for i, (head, subs) in enumerate(parts, start=1):
        blocks.append(("h", f"{CN_NUMS[i]}、{head}"))
        for j, (sub, text) in enumerate(subs, start=1):
            if sub:
                blocks.append(("p", f"（{CN_NUMS[j]}）{sub}。{text}"))
            else:
                blocks.append(("p", text))
    return blocks


POLICY_SPECS: list[dict[str, Any]] = [
    dict(
        key="p1",
        agency="fin",
        title="青溪市财政局预决算公开管理办法",
        pub="2018-05-22 10:05:33",
        doc_no="青财预〔2018〕11号",
        topic="财政、预算、决算",
        blocks=_articles(
            [
                (
                    "第一章  总则",
                    "为规范预决算公开工作，提高财政资金使用透明度，根据《中华人民共和国预算法》和《地方预决算公开"
                    "操作规程》，结合本市实际，制定本办法。",
                ),
                ("", "本办法适用于本市政府预决算和部门预决算的公开工作。"),
                ("", "预决算公开应当坚持依法依规、及时规范、真实完整、便于查阅的原则。"),
                (
                    "第二章  政府预决算公开",
                    "政府预决算经本级人民代表大会或者其常务委员会批准后20日内，由市财政局向社会公开。",
                ),
                (
                    "",
                    "政府预决算公开内容包括一般公共预算、政府性基金预算、国有资本经营预算和社会保险基金预算，并对转移"
                    "支付、政府债务、“三公”经费等重要事项作出说明。",
                ),
                (
                    "第三章  部门预决算公开",
                    "部门预决算在市财政局批复后20日内，由各部门向社会公开，公开内容细化到功能分类项级科目。",
                ),
                ("", "各部门应当将本部门“三公”经费预决算与部门预决算同步公开，并对增减变化情况作出说明。"),
                (
                    "第四章  监督检查",
                    "市财政局会同审计等部门对预决算公开情况进行监督检查，对未按规定公开的，责令限期改正。",
                ),
                ("第五章  附则", "本办法自2018年6月1日起施行。"),
            ]
        ),
    ),
    dict(
        key="p2",
        agency="gov",
        title="青溪市政务新媒体管理办法",
        pub="2019-08-30 16:48",
        doc_no="青政办发〔2019〕45号",
        topic="综合政务、政务公开",
        blocks=[
            (
                "p",
                "各县（市、区）人民政府，市政府各部门、各直属单位：《青溪市政务新媒体管理办法》已经市政府同意，现印发"
                "给你们，请认真贯彻执行。",
            )
        ]
        + _articles(
            [
                (
                    "第一章  总则",
                    "为加强全市政务新媒体建设管理，推动政务新媒体健康有序发展，根据《国务院办公厅关于推进政务新媒体"
                    "健康有序发展的意见》，制定本办法。",
                ),
                (
                    "",
                    "本办法所称政务新媒体，是指各级行政机关、承担行政职能的事业单位及其内设机构在微博、微信等第三方平台上"
                    "开设的政务账号或应用，以及自行开发建设的移动客户端等。",
                ),
                (
                    "第二章  开设与整合",
                    "政务新媒体实行备案管理。新开设的政务新媒体应当在开通后10个工作日内报市政务公开办公室"
                    "备案。",
                ),
                ("", "对功能相近、用户关注度和活跃度低的政务新媒体，要坚决关停整合。"),
                (
                    "第三章  内容保障",
                    "政务新媒体应当建立健全信息内容发布审核制度，坚持“三审三校”，未经审核的信息不得发布。",
                ),
                (
                    "",
                    "政务新媒体应当及时转载党中央、国务院和省、市政府重要信息，积极回应网民关切，网民留言一般应当在2个工作日"
                    "内回复。",
                ),
                (
                    "第四章  安全防护",
                    "主办单位应当加强账号安全管理，严格账号密码管理和登录设备管理，防范账号被盗用。",
                ),
                (
                    "第五章  监督管理",
                    "市政务公开办公室每季度对全市政务新媒体开展检查，检查结果在门户网站公开。",
                ),
                ("", "本办法自2019年10月1日起施行。"),
            ]
        ),
    ),
    dict(
        key="p3",
        agency="dh",
        title="东湖区全面推进基层政务公开标准化规范化工作实施方案",
        pub="2019-10-15 09:12",
        doc_no="东政办发〔2019〕30号",
        topic="综合政务、政务公开",
        blocks=_plan(
            "为贯彻落实《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》，全面推进我区基层政务"
            "公开标准化规范化工作，结合我区实际，制定本实施方案。",
            [
                (
                    "总体要求",
                    [
                        (
                            "",
                            "以习近平新时代中国特色社会主义思想为指导，坚持以人民为中心的发展思想，到2020年底，"
                            "基本建成全区政务公开标准体系，覆盖基层政府行政权力运行全流程、政务服务全过程。",
                        )
                    ],
                ),
                (
                    "主要任务",
                    [
                        (
                            "编制公开事项标准目录",
                            "对照国务院部门制定的26个试点领域标准指引，梳理本级政务公开"
                            "事项，编制公开事项标准目录，明确公开事项名称、内容、依据、"
                            "时限、主体、方式、渠道和公开对象。",
                        ),
                        (
                            "规范公开流程",
                            "健全政务公开工作机制，完善信息发布协调、政策解读回应、公众参与"
                            "等制度，规范信息采集、审核、发布、更新等流程。",
                        ),
                        (
                            "建设政务公开专区",
                            "在区政务服务中心、各镇（街道）便民服务中心设立政务公开专区，"
                            "提供政府信息查阅、政策咨询等服务。",
                        ),
                        ("推进村务公开", "推动政务公开向村（社区）延伸，做好村务公开与政务公开的衔接。"),
                    ],
                ),
                (
                    "实施步骤",
                    [
                        (
                            "",
                            "准备阶段（2019年10月至11月）；实施阶段（2019年12月至2020年9月）；总结阶段"
                            "（2020年10月至12月）。",
                        )
                    ],
                ),
                (
                    "保障措施",
                    [
                        ("加强组织领导", "成立区基层政务公开标准化规范化工作领导小组，统筹推进各项工作。"),
                        ("强化督查考核", "将工作推进情况纳入年度政务公开考核，对工作推进不力的予以通报。"),
                    ],
                ),
            ],
        ),
    ),
    dict(
        key="p4",
        agency="gov",
        title="青溪市政府信息公开申请办理工作实施方案",
        pub="2020-06-29 10:59",
        doc_no="青政办发〔2020〕19号",
        topic="综合政务、政务公开",
        blocks=_plan(
            "为进一步规范政府信息公开申请办理工作，保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国"
            "政府信息公开条例》，制定本方案。",
            [
                (
                    "工作目标",
                    [
                        (
                            "",
                            "建立统一规范的政府信息公开申请受理、审查、答复和归档制度，依申请公开答复按期"
                            "办结率达到100%，因答复不规范被行政复议纠错和行政诉讼败诉的案件明显减少。",
                        )
                    ],
                ),
                (
                    "办理流程",
                    [
                        (
                            "受理登记",
                            "行政机关收到申请后应当在1个工作日内登记，申请内容不明确的，应当在7个工作日"
                            "内一次性告知申请人作出补正。",
                        ),
                        (
                            "审查办理",
                            "办理机构应当对申请获取的政府信息进行检索，并根据不同情形分别作出答复。"
                            "涉及第三方权益的，应当书面征求第三方意见。",
                        ),
                        (
                            "答复送达",
                            "能够当场答复的，应当当场答复；不能当场答复的，应当自收到申请之日起20个"
                            "工作日内予以答复。",
                        ),
                        (
                            "归档管理",
                            "办理完毕后，应当将申请材料、答复文书和送达凭证一并归档，做到一件一档。",
                        ),
                    ],
                ),
                (
                    "工作要求",
                    [
                        (
                            "加强会商研判",
                            "对复杂疑难申请，政务公开工作机构应当会同法制、保密等机构进行会商。",
                        ),
                        ("强化监督考核", "将依申请公开办理情况纳入政务公开年度考核。"),
                    ],
                ),
            ],
        ),
    ),
    dict(
        key="p5",
        agency="gov",
        title="青溪市2021年政务公开工作要点",
        pub="2021-03-26 17:30",
        doc_no="青政办发〔2021〕12号",
        topic="综合政务、政务公开",
        blocks=_plan(
            "2021年全市政务公开工作要坚持以人民为中心的发展思想，围绕“十四五”开局和全市中心工作，以公开促落实、"
            "促规范、促服务。",
            [
                (
                    "围绕推动高质量发展加强政策发布解读",
                    [
                        ("做好“十四五”规划公开", "及时公开本地区“十四五”规划纲要和专项规划，加强规划解读。"),
                        ("加强惠企政策公开", "集中梳理公开减税降费、稳岗就业等惠企政策，推动政策直达快享。"),
                    ],
                ),
                (
                    "深化重点领域信息公开",
                    [
                        ("推进财政信息公开", "按规定公开政府预决算、部门预决算和政府债务信息。"),
                        ("推进公共资源配置信息公开", "做好保障性住房、国有土地使用权出让等信息公开。"),
                    ],
                ),
                (
                    "提升政务公开质量",
                    [
                        ("规范依申请公开", "严格落实政府信息公开申请办理工作实施方案，提升答复规范化水平。"),
                        ("加强年度报告编制", "严格按照新修订的年度报告格式编制发布2020年度报告。"),
                    ],
                ),
                (
                    "强化组织保障",
                    [("", "各地各部门要明确政务公开分管负责同志和工作机构，年底前报送工作要点落实情况。")],
                ),
            ],
        ),
    ),
    dict(
        key="p6",
        agency="gov",
        title="青溪市2023年政务公开工作要点",
        pub="2023-03-31 16:10",
        doc_no="青政办发〔2023〕9号",
        topic="综合政务、政务公开",
        blocks=_plan(
            "2023年全市政务公开工作以全面贯彻落实党的二十大精神为主线，聚焦稳经济、优环境、惠民生，持续提升政务"
            "公开质量和实效。",
            [
                (
                    "助力经济平稳健康发展",
                    [
                        (
                            "加强经济政策解读",
                            "对稳经济一揽子政策措施开展多轮次、系列化解读，提高政策知晓度。",
                        ),
                        (
                            "优化营商环境信息公开",
                            "及时公开涉企收费清单、行政许可事项清单和“双随机、一公开”抽查结果。",
                        ),
                    ],
                ),
                (
                    "围绕保障改善民生加强信息公开",
                    [
                        ("做好就业和社会保障信息公开", "及时发布就业政策、招聘信息和社会保险待遇调整信息。"),
                        ("加强教育医疗信息公开", "公开义务教育招生政策、医疗机构服务信息。"),
                    ],
                ),
                (
                    "夯实政务公开基础",
                    [
                        (
                            "加强政策文件库建设",
                            "完善现行有效行政规范性文件库，实现规范性文件统一公开、动态更新。",
                        ),
                        ("提升政务新媒体水平", "持续开展政务新媒体检查，推动政务新媒体规范健康发展。"),
                    ],
                ),
                (
                    "抓好工作落实",
                    [("", "各地各部门要对照本要点细化任务措施，明确责任分工，确保各项任务按时完成。")],
                ),
            ],
        ),
    ),
]

INTERP_SPECS: list[dict[str, Any]] = [
    dict(
        key="i1",
        agency="fin",
        title="《青溪市财政局预决算公开管理办法》政策解读",
        pub="2018-05-25 09:20:11",
        topic="财政、预算、决算",
        blocks=[
            ("h", "一、制定背景"),
            (
                "p",
                "新修订的《中华人民共和国预算法》对预决算公开作出了明确规定。为进一步规范我市预决算公开工作，市财政局"
                "在总结近年来工作实践的基础上，制定了《青溪市财政局预决算公开管理办法》。",
            ),
            ("h", "二、主要内容"),
            (
                "p",
                "《办法》共五章九条，明确了政府预决算和部门预决算的公开主体、公开时限、公开内容和公开方式，要求预决算"
                "批准或批复后20日内向社会公开，“三公”经费与部门预决算同步公开。",
            ),
            ("h", "三、主要特点"),
            ("p", "一是明确公开时限，二是细化公开内容，三是强化监督检查，对未按规定公开的责令限期改正。"),
            ("h", "四、解读机关及联系方式"),
            ("p", "解读机关：青溪市财政局预算科。联系电话：（0736）5236021。"),
        ],
    ),
    dict(
        key="i2",
        agency="gov",
        title="《青溪市政务新媒体管理办法》政策解读",
        pub="2019-09-02 10:15",
        topic="综合政务、政务公开",
        blocks=[
            ("h", "一、起草背景"),
            (
                "p",
                "近年来，我市政务新媒体发展迅速，但也存在功能定位不清晰、信息更新不及时、互动回应不到位等问题。为推动"
                "政务新媒体健康有序发展，市政府办公室起草了《青溪市政务新媒体管理办法》。",
            ),
            ("h", "二、制定依据"),
            ("p", "《国务院办公厅关于推进政务新媒体健康有序发展的意见》《政府网站与政务新媒体检查指标》等。"),
            ("h", "三、主要内容"),
            (
                "p",
                "《办法》共五章九条，从开设与整合、内容保障、安全防护、监督管理等方面对政务新媒体建设管理作出规定。"
                "一是实行备案管理，二是严格“三审三校”，三是网民留言一般在2个工作日内回复，四是每季度开展检查并公开"
                "检查结果。",
            ),
            ("h", "四、解读人及联系方式"),
            ("p", "解读人：市政务公开办公室。联系电话：（0736）5212345。"),
        ],
    ),
    dict(
        key="i3",
        agency="dh",
        title="图文解读：《东湖区全面推进基层政务公开标准化规范化工作实施方案》",
        pub="2019-10-18 15:30",
        topic="综合政务、政务公开",
        blocks=[
            (
                "p",
                "近日，东湖区人民政府办公室印发《东湖区全面推进基层政务公开标准化规范化工作实施方案》。一起来看看"
                "方案有哪些要点。",
            ),
            ("h", "一、一个目标"),
            (
                "p",
                "到2020年底，基本建成全区政务公开标准体系，覆盖基层政府行政权力运行全流程、政务服务全过程。",
            ),
            ("h", "二、四项任务"),
            ("p", "编制公开事项标准目录、规范公开流程、建设政务公开专区、推进村务公开。"),
            ("h", "三、三个阶段"),
            ("p", "准备阶段、实施阶段、总结阶段，时间跨度为2019年10月至2020年12月。"),
            ("h", "四、两项保障"),
            ("p", "加强组织领导，强化督查考核。"),
        ],
    ),
    dict(
        key="i4",
        agency="gov",
        title="《青溪市政府信息公开申请办理工作实施方案》解读",
        pub="2020-07-03 09:40",
        topic="综合政务、政务公开",
        blocks=[
            ("h", "一、出台背景"),
            (
                "p",
                "新修订的《中华人民共和国政府信息公开条例》于2019年5月15日起施行，对依申请公开的程序作出了较大调整。"
                "为统一全市依申请公开办理标准，市政府办公室制定了本方案。",
            ),
            ("h", "二、主要内容"),
            (
                "p",
                "方案明确了受理登记、审查办理、答复送达、归档管理四个环节的工作要求，规定申请内容不明确的应当在7个"
                "工作日内一次性告知补正，不能当场答复的应当在20个工作日内答复。",
            ),
            ("h", "三、创新举措"),
            ("p", "建立复杂疑难申请会商机制，推行“一件一档”归档管理，将依申请公开办理情况纳入年度考核。"),
            ("h", "四、解读机关"),
            ("p", "青溪市人民政府办公室（市政务公开办公室），联系电话：（0736）5212345。"),
        ],
    ),
]


def _guide_blocks(a: Agency, hours: str) -> list[Block]:
    return [
        (
            "p",
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。申请人需要获得{a.name}"
            f"政府信息公开服务，建议事先阅读本指南。本指南每年更新一次。",
        ),
        ("h", "一、主动公开"),
        (
            "p",
            "（一）公开范围。主要包括机构职能、规范性文件、发展规划、财政预决算、行政许可、行政处罚、人事信息、重点领域"
            f"信息以及{a.topics}等信息。",
        ),
        (
            "p",
            f"（二）公开方式。以{PORTAL}为第一公开平台，同时通过政务新媒体“{a.wechat}”、政务服务中心、档案馆、公共图书馆"
            "等场所和设施公开。",
        ),
        (
            "p",
            "（三）公开时限。属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开。",
        ),
        ("h", "二、依申请公开"),
        (
            "p",
            f"（一）受理机构。{a.name}依申请公开受理机构为{a.office}。地址：{a.address}；办公时间：{hours}；"
            f"联系电话：{a.phone}。",
        ),
        (
            "p",
            "（二）申请方式。申请人可以通过当面、信函、网络等方式提出申请。申请人采用信函方式提出申请的，请在信封左下角"
            "注明“政府信息公开申请”字样。",
        ),
        (
            "p",
            "（三）办理流程。受理机构收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内"
            "予以答复；需要延长答复期限的，经负责人同意并告知申请人，延长的期限最长不超过20个工作日。",
        ),
        (
            "p",
            "（四）收费标准。行政机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
            "按照《政府信息公开信息处理费管理办法》收取信息处理费。",
        ),
        ("h", "三、监督和救济"),
        (
            "p",
            "公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开"
            "工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
        ),
    ]


GUIDE_SPECS: list[dict[str, Any]] = [
    dict(
        key="g1",
        agency="gov",
        title="青溪市人民政府办公室政府信息公开指南",
        pub="2020-03-10 11:00",
        topic="综合政务、政务公开",
        hours="工作日上午8:30—12:00，下午14:30—17:30",
    ),
    dict(
        key="g2",
        agency="eco",
        title="青溪市生态环境局政府信息公开指南（2022年修订）",
        pub="2022-02-17 10:20",
        topic="环境监测、保护与治理",
        hours="工作日上午8:30—12:00，下午14:00—17:30",
    ),
]

# Annual reports: (agency, covered year, outline, page publish time, options)
REPORT_SPECS: list[tuple[str, int, str, str, dict[str, Any]]] = [
    ("gov", 2015, "old", "2016-02-26 09:31:07", {}),
    (
        "gov",
        2016,
        "old",
        "2018-05-03 14:22:51",
        {
            "written": "2017-01-20",
            "note": "republished after a site migration: page date 2018, 成文日期 and signature 2017",
        },
    ),
    ("gov", 2017, "old", "2018-03-12 08:55:20", {}),
    ("gov", 2018, "old", "2019-03-20 10:25", {}),
    ("gov", 2019, "2019", "2020-01-20 10:25", {"wap": True}),
    ("gov", 2020, "2019", "2021-01-22 16:40", {}),
    ("gov", 2021, "2019", "2022-01-19 09:12", {}),
    ("gov", 2022, "2019", "2023-01-17 15:30", {}),
    ("gov", 2023, "2019", "2024-01-23 10:05", {}),
    ("gov", 2024, "2019", "2025-01-21 09:45", {}),
    ("fin", 2016, "old", "2017-03-08 11:20:45", {"title": "青溪市财政局2016年度政府信息公开工作年度报告"}),
    ("fin", 2018, "old", "2019-02-27 17:03", {}),
    (
        "fin",
        2019,
        "old",
        "2020-01-16 14:48",
        {
            "declared": "gb2312",
            "note": "2019 report still in the old outline; UTF-8 bytes that declare gb2312",
        },
    ),
    ("fin", 2020, "2019", "2021-01-25 10:00", {}),
    ("fin", 2021, "2019", "2022-01-26 11:11", {"wap": True}),
    ("fin", 2023, "2019", "2024-01-29 16:20", {}),
    (
        "edu",
        2015,
        "old",
        "2016-03-18 10:02:33",
        {"meta": False, "title": "青溪市教育局2015年政府信息公开年度报告"},
    ),
    ("edu", 2017, "old", "2018-02-06 09:41:10", {"title": "青溪市教育局2017年度政府信息公开工作年度报告"}),
    (
        "edu",
        2019,
        "2019",
        "2020-01-21 15:02",
        {"dash_number": True, "note": "heading 一 written as an em dash"},
    ),
    ("edu", 2021, "2019", "2022-01-27 09:30", {}),
    ("edu", 2024, "2019", "2025-01-24 10:18", {"pdf": True, "note": "HTML body plus the same report as PDF"}),
    ("eco", 2019, "2019", "2020-01-31 17:45", {}),
    (
        "eco",
        2020,
        "old",
        "2021-01-29 16:00",
        {"pdf": True, "note": "2020 report in the old outline; HTML body plus PDF"},
    ),
    ("eco", 2021, "2019", "2022-01-28 10:40", {}),
    ("eco", 2023, "2019", "2024-01-30 09:05", {}),
    (
        "dh",
        2016,
        "old",
        "2017-03-20 10:30",
        {
            "spaced_headings": True,
            "title": "东湖区2016年政府信息公开工作年度报告",
            "note": "short headings written with spaces (一 概 述)",
        },
    ),
    ("dh", 2017, "old", "2018-03-28 09:00", {}),
    ("dh", 2019, "2019", "2020-01-17 11:30", {}),
    (
        "dh",
        2020,
        "2019",
        "2021-01-20 08:50",
        {
            "year_in_heading": True,
            "title": "东湖区2020年 政府信息公开工作年度报告",
            "note": "stray space in the title; 一、2020年政府信息公开总体情况",
        },
    ),
    ("dh", 2022, "2019", "2023-01-13 16:00", {"zero_blank": True, "note": "zero cells written as &nbsp;"}),
    (
        "dh",
        2024,
        "2019",
        "2025-01-15 14:30",
        {"declared": "gb2312+utf-8", "note": "declares both gb2312 and utf-8; bytes are UTF-8"},
    ),
    (
        "yl",
        2018,
        "old",
        "2019-06-18 15:20",
        {
            "title": "云岭镇人民政府2018年政府信息公开年报",
            "note": "published late (June of the following year)",
        },
    ),
    (
        "yl",
        2020,
        "old",
        "2021-03-05 09:10",
        {"declared": "gb2312", "note": "2020 report in the old outline; UTF-8 bytes that declare gb2312"},
    ),
    (
        "yl",
        2021,
        "2019",
        "2022-01-30 10:00",
        {
            "docx": True,
            "body": "see_attachment",
            "note": "report published as a DOCX attachment; body says 详见附件",
        },
    ),
    ("yl", 2023, "2019", "2024-01-26 11:45", {}),
    (
        "gx",
        2019,
        "2019",
        "2020-01-22 14:00",
        {"ascii_parens": True, "note": "ASCII parentheses in sub-part headings"},
    ),
    (
        "gx",
        2022,
        "2019",
        "2023-01-18 10:30",
        {"pdf": True, "body": "empty", "note": "report only in the PDF attachment; empty HTML body"},
    ),
    ("gx", 2024, "2019", "2025-01-20 15:15", {}),
]


# ---------------------------------------------------------------------------
# Building the document list
# ---------------------------------------------------------------------------


def _parse_time(text: str) -> dt.datetime:
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return dt.datetime.strptime(text, fmt)


def _template(agency: Agency, published: dt.datetime) -> str:
    if agency.style == "district":
        return "dahan"
    if published.year <= 2018:
        return "old"
    return "trs" if published.year <= 2021 else "kaipu"


def _finish(d: Doc, opts: dict[str, Any]) -> None:
    d.template = _template(d.agency, d.published)
    if d.template == "old":
        d.encoding, d.declared = "gb18030", "gb2312"
    d.declared = opts.get("declared", d.declared)
    d.meta = opts.get("meta", d.agency.key != "yl")
    d.note = opts.get("note", d.note)


def build_docs() -> list[Doc]:
    docs: list[Doc] = []
    for agency_key, year, outline, pub, opts in REPORT_SPECS:
        agency = AGENCIES[agency_key]
        rng = random.Random(f"report-{agency_key}-{year}")
        published = _parse_time(pub)
        written = (
            dt.date.fromisoformat(opts["written"])
            if "written" in opts
            else published.date() - dt.timedelta(days=rng.randint(0, 6))
        )
        title = opts.get("title", f"{agency.name}{year}年政府信息公开工作年度报告")
        d = Doc(
            key=f"nb-{agency_key}-{year}",
            title=title,
            agency=agency,
            doc_type="annual_report",
            year=year,
            published=published,
            written=written,
            column="zfxxgknb",
            blocks=[],
            topic="综合政务、政务公开",
            zero_blank=opts.get("zero_blank", False),
            wap=opts.get("wap", False),
            body=opts.get("body", "full"),
        )
        (_old_report if outline == "old" else _new_report)(rng, d, opts)
        _sign(d)
        _finish(d, opts)
        if opts.get("pdf"):
            d.attach.append({"kind": "pdf", "name": f"{title}.pdf", "report": True})
        if opts.get("docx"):
            d.attach.append({"kind": "docx", "name": f"{title}.docx", "report": True})
        docs.append(d)

    others = (
        [("notice", "tzgg", s) for s in NOTICE_SPECS]
        + [("policy", "zcwj", s) for s in POLICY_SPECS]
        + [("interpretation", "zcjd", s) for s in INTERP_SPECS]
        + [("guide", "xxgkzn", s) for s in GUIDE_SPECS]
    )
    for doc_type, column, spec in others:
        agency = AGENCIES[spec["agency"]]
        rng = random.Random(f"doc-{spec['key']}")
        published = _parse_time(spec["pub"])
        written = published.date() - dt.timedelta(days=rng.randint(0, 3))
        blocks = list(spec["blocks"]) if "blocks" in spec else _guide_blocks(agency, spec["hours"])
        d = Doc(
            key=spec["key"],
            title=spec["title"],
            agency=agency,
            doc_type=doc_type,
            year=written.year,
            published=published,
            written=written,
            column=column,
            blocks=blocks,
            doc_no=spec.get("doc_no", ""),
            topic=spec["topic"],
        )
        d.headings = [text for kind, text in blocks if kind == "h"]
        if doc_type in ("notice", "policy"):
            d.blocks.append(("sign", spec.get("signer", agency.name)))
            latin_o = spec["key"] == "n1"  # a signature written with a Latin letter O, as on some real pages
            d.blocks.append(
                (
                    "sign",
                    _cn_date(written, latin_o)
                    if written.year < 2020
                    else f"{written.year}年{written.month}月{written.day}日",
                )
            )
        if spec.get("attachment_docx"):
            d.attach.append(
                {"kind": "docx", "name": "青溪市2022年“政府开放日”活动报名表.docx", "report": False}
            )
        _finish(d, {})
        docs.append(d)

    # Ids grow with the publish time, as CMS article ids do; serials count per agency and year
    docs.sort(key=lambda d: d.published)
    serial: Counter[tuple[str, int]] = Counter()
    for i, d in enumerate(docs):
        serial[(d.agency.key, d.written.year)] += 1
        d.index_serial = serial[(d.agency.key, d.written.year)] * 3 + 7
        art_id = 1003 + i * 17
        p = d.published
        if d.template == "dahan":
            d.url = (
                f"/xxgk/{d.column}/art/{p.year}/{p.month}/{p.day}/art_{1229 + len(d.column)}_{art_id}.html"
            )
        else:
            ext = "htm" if d.template == "old" else "html"
            d.url = f"/xxgk/{d.column}/{p:%Y%m}/t{p:%Y%m%d}_{art_id}.{ext}"
        base = d.url.rsplit("/", 1)[0]
        for j, att in enumerate(d.attach):
            if d.template == "dahan":
                att["url"] = f"{base}/att_{art_id}_{j + 1}.{att['kind']}"
            else:
                att["url"] = (
                    f"{base}/P0{p:%Y%m%d}{random.Random(d.url).randint(10**11, 10**12 - 1)}{j}.{att['kind']}"
                )
    return docs


# ---------------------------------------------------------------------------
# HTML rendering
# ---------------------------------------------------------------------------

NAV = [
    ("首页", "/index.html"),
    ("政府信息公开", "/xxgk/index.html"),
    ("通知公告", "/xxgk/tzgg/index.html"),
    ("政策文件", "/xxgk/zcwj/index.html"),
    ("政策解读", "/xxgk/zcjd/index.html"),
    ("政府信息公开年报", "/xxgk/zfxxgknb/index.shtml"),
    ("政府信息公开指南", "/xxgk/xxgkzn/index.html"),
]
TRS_STYLE = (
    '<style type="text/css">.TRS_Editor P{margin-top:0;margin-bottom:12px;line-height:2;font-family:宋体;'
    "font-size:12pt;}.TRS_Editor TD{font-size:12pt;}</style>"
)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _table_html(t: Table, cls: str) -> str:
    out = [
        f'<table class="{cls}" border="1" cellspacing="0" cellpadding="0" width="100%" '
        'style="border-collapse:collapse;">',
        "<tbody>",
    ]
    for row in t.rows:
        cells = []
        for c in row:
            attrs = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (
                f' rowspan="{c.rowspan}"' if c.rowspan > 1 else ""
            )
            text = c.text if ("<br />" in c.text or c.text == "&nbsp;") else _e(c.text)
            if "<br />" in c.text:
                text = "<br />".join(_e(p) for p in c.text.split("<br />"))
            cells.append(
                f'<td{attrs} style="text-align:center;">{"<strong>" + text + "</strong>" if c.head else text}</td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _body_html(d: Doc) -> str:
    if d.body == "empty":
        return "<p>&nbsp;</p>" if d.template != "kaipu" else ""
    if d.body == "see_attachment":
        return f'<p style="text-indent:2em;">{_e(d.title)}详见附件。</p>'
    style = {"old": "old", "trs": "trs", "kaipu": "plain", "dahan": "plain"}[d.template]
    out: list[str] = []
    for kind, payload in d.blocks:
        if kind == "table":
            out.append(_table_html(payload, "MsoNormalTable" if style == "old" else "xxgk-table"))
            continue
        text = _e(payload)
        if style == "old":
            font = {"h": "黑体", "sub": "楷体_GB2312"}.get(kind, "仿宋_GB2312")
            inner = f'<span style="font-family:{font};font-size:16pt">{text}</span>'
            if kind in ("h", "sub"):
                inner = f"<b>{inner}</b>"
            align = "text-align:right;" if kind == "sign" else "text-indent:32pt;"
            out.append(f'<p class="MsoNormal" style="{align}line-height:28pt">{inner}</p>')
        elif kind == "sign":
            out.append(f'<p style="text-align: right;">{text}</p>')
        elif kind in ("h", "sub"):
            out.append(
                f'<p style="text-indent: 2em;"><strong>{text}</strong></p>'
                if style == "trs"
                else f"<p><strong>{text}</strong></p>"
            )
        else:
            out.append(f'<p style="text-indent: 2em;">{text}</p>' if style == "trs" else f"<p>{text}</p>")
    return "\n".join(out)


def _charset_tags(declared: str) -> str:
    if declared == "gb2312":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    if declared == "gb2312+utf-8":
        return (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\n<meta charset="utf-8" />'
        )
    return '<meta charset="utf-8" />'


def _meta_tags(d: Doc) -> str:
    if not d.meta:
        return ""
    col_name = COLUMNS[d.column][0]
    p = d.published
    site = SITE_NAME if d.agency.key != "dh" else "青溪市东湖区人民政府"
    site_id = SITE_ID if d.agency.key != "dh" else "3312010002"
    if d.template == "old":
        tags = [
            ("SiteName", site),
            ("ColumnName", col_name),
            ("ArticleTitle", d.title),
            ("PubDate", f"{p:%Y-%m-%d}"),
        ]
    else:
        pub = f"{p:%Y年%m月%d日}" if d.template == "kaipu" else f"{p:%Y-%m-%d %H:%M}"
        tags = [
            ("SiteName", site),
            ("SiteDomain", SITE_DOMAIN),
            ("SiteIDCode", site_id),
            ("ColumnName", col_name),
            ("ColumnDescription", f"{col_name}栏目"),
            ("ColumnKeywords", col_name),
            ("ColumnType", col_name),
            ("ArticleTitle", d.title),
            ("PubDate", pub),
            ("ContentSource", d.agency.name),
        ]
        if d.template == "trs":
            tags += [("Keywords", "政府信息公开," + col_name), ("Description", d.title)]
        if d.template == "kaipu":
            tags += [
                ("publishdate", f"{p:%Y-%m-%d}"),
                ("source", d.agency.name),
                ("author", d.agency.office),
                ("catalogs", col_name),
            ]
    return "\n".join(f'<meta name="{k}" content="{_e(v)}" />' for k, v in tags)


def _index_block(d: Doc) -> str:
    doc_no = d.doc_no or "无"
    w, p = d.written, d.published
    if d.template == "trs":
        rows = [
            ("索引号：", d.index_no, "主题分类：", d.topic),
            ("发布机构：", d.agency.name, "成文日期：", f"{w:%Y-%m-%d}"),
            ("文　　号：", doc_no, "发布日期：", f"{p:%Y-%m-%d}"),
        ]
        body = "".join(
            f'<tr><td class="label">{a}</td><td>{_e(b)}</td><td class="label">{c}</td><td>{_e(e)}</td></tr>'
            for a, b, c, e in rows
        )
        body += f'<tr><td class="label">名　　称：</td><td colspan="3">{_e(d.title)}</td></tr>'
        return f'<table class="xxgk_table" width="100%">{body}</table>'
    if d.template == "old":
        rows = [
            ("索 引 号：", d.index_no, "分 类：", d.topic),
            ("发布机构：", d.agency.name, "生成日期：", f"{w:%Y-%m-%d}"),
            ("文　　号：", doc_no, "发布日期：", f"{p:%Y-%m-%d}"),
        ]
        body = "".join(
            f"<tr><td>{a}</td><td>{_e(b)}</td><td>{c}</td><td>{_e(e)}</td></tr>" for a, b, c, e in rows
        )
        return (
            f'<table width="96%" border="0" cellspacing="1" cellpadding="3" bgcolor="#cccccc">{body}</table>'
        )
    if d.template == "kaipu":
        items = [
            ("索引号", d.index_no),
            ("发文机关", d.agency.name),
            ("发文字号", d.doc_no),
            ("成文日期", f"{w:%Y年%m月%d日}"),
            ("公开日期", f"{p:%Y年%m月%d日}"),
            ("主题分类", d.topic),
            ("有效性", "有效"),
        ]
        lis = "".join(f"<li><span>{k}：</span>{_e(v)}</li>" for k, v in items)
        return f'<div class="xxgk-meta"><ul>{lis}</ul></div>'
    items = [
        ("索 引 号", d.index_no),
        ("发 布 机 构", d.agency.name),
        ("文　　号", doc_no),
        ("成 文 日 期", f"{w:%Y-%m-%d}"),
        ("发 布 日 期", f"{p:%Y-%m-%d}"),
        ("主 题 分 类", d.topic),
        ("公 开 方 式", "主动公开"),
    ]
    rows_html = "".join(f"<tr><th>{k}</th><td>{_e(v)}</td></tr>" for k, v in items)
    return f'<table class="info-table">{rows_html}</table>'


def _date_line(d: Doc, views: int) -> str:
    p = d.published
    zoom = '字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>'
    if d.template == "old":
        return (
            f'<td class="info">发布时间：{p:%Y-%m-%d %H:%M:%S} &nbsp;&nbsp; 【{zoom.replace("字号：", "字体：")}】'
            f" &nbsp; 浏览次数：{views}</td>"
        )
    if d.template == "trs":
        return f'<div class="info"><span>发布日期：{p:%Y-%m-%d %H:%M}</span> <span>来源：{_e(d.agency.name)}</span> <span>{zoom}</span></div>'
    if d.template == "kaipu":
        return (
            f'<div class="info">发布时间:{p:%Y-%m-%d %H}时{p:%M}分 &nbsp; 信息来源：{_e(d.agency.name)} &nbsp; '
            f"浏览次数：{views}次 &nbsp; 【{zoom.replace('字号：', '字体：')}】</div>"
        )
    if d.agency.key == "yl":
        return f'<div class="info">时间：{p:%Y年%m月%d日 %H:%M} &nbsp; 来源：{_e(d.agency.name)} &nbsp; {zoom}</div>'
    return f'<div class="info">发布日期:[{p:%Y-%m-%d}] &nbsp; 来源：{_e(d.agency.name)} &nbsp; {zoom}</div>'


def _chrome_top(crumbs: list[tuple[str, str]]) -> str:
    nav = "".join(f'<li><a href="{u}">{n}</a></li>' for n, u in NAV)
    crumb = " &gt; ".join(f'<a href="{u}">{n}</a>' for n, u in crumbs)
    return (
        f'<div class="topbar"><span class="wza">无障碍浏览</span> <span class="zzms">长者模式</span> '
        f'<a href="/admin/login.html">登录</a></div>\n'
        f'<div class="header"><div class="logo"><a href="/index.html">{SITE_NAME}</a></div>'
        '<form class="search" action="/search/" method="get"><input type="text" name="q" />'
        '<input type="submit" value="搜索" /></form></div>\n'
        f'<ul class="nav">{nav}</ul>\n<div class="position">当前位置：{crumb}</div>'
    )


FOOTER = (
    f'<div class="footer"><p><a href="/index.html">网站首页</a> | <a href="/xxgk/index.html">政府信息公开</a></p>'
    f"<p>主办：青溪市人民政府办公室 &nbsp; 网站标识码：{SITE_ID} &nbsp; 江ICP备05012345号</p></div>"
)


def _attach_html(d: Doc) -> str:
    if not d.attach:
        return ""
    links = "".join(
        f'<p>附件：<a href="{a["url"]}" target="_blank">{_e(a["name"])}</a></p>' for a in d.attach
    )
    return f'<div class="fj">{links}</div>'


def render_article(d: Doc, wap: bool = False) -> str:
    col_name, col_url = COLUMNS[d.column]
    views = random.Random(d.url).randint(30, 25000)
    crumbs = [("首页", "/index.html"), ("政府信息公开", "/xxgk/index.html"), (col_name, col_url)]
    container = {
        "old": '<div id="zoom">',
        "trs": '<div class="TRS_Editor">',
        "kaipu": '<div id="zoom" class="zoom">',
        "dahan": '<div class="article-content">',
    }[d.template]
    body = _body_html(d)
    if d.template == "trs" and d.body != "empty":
        body = TRS_STYLE + "\n" + body
    head = (
        f"<!DOCTYPE html>\n<html>\n<head>\n{_charset_tags(d.declared)}\n"
        + ('<meta name="viewport" content="width=device-width, initial-scale=1" />\n' if wap else "")
        + f"{_meta_tags(d)}\n<title>{_e(d.title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="/css/style.css" />\n'
        '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n<body>\n'
    )
    if wap:
        top = (
            f'<div class="wap-header"><a href="/index.html">{SITE_NAME}</a> 手机版</div>\n'
            f'<div class="wap-back"><a href="{d.url}">返回电脑版</a></div>'
        )
        tools = ""
        foot = '<div class="wap-footer">青溪市人民政府办公室 主办</div>'
    else:
        top = _chrome_top(crumbs)
        wap_link = f' <a href="{d.url.rsplit(".", 1)[0]}_wap.html">手机版</a>' if d.wap else ""
        tools = (
            f'<div class="tools"><a href="javascript:window.print()">打印</a> '
            f'<a href="javascript:window.close()">关闭</a>{wap_link}</div>'
        )
        if d.template == "old":
            tools = '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
        elif d.template in ("trs", "dahan"):
            tools = tools.replace("</div>", f' <span>浏览次数：<span id="views">{views}</span></span></div>')
        foot = FOOTER
    if d.template == "old":
        article = (
            f'<table width="96%" align="center"><tr><td class="title" align="center">{_e(d.title)}</td></tr>'
            f"<tr>{_date_line(d, views)}</tr></table>\n{container}\n{body}\n</div>\n{_attach_html(d)}"
        )
    else:
        article = (
            f'<div class="article"><h1 class="title">{_e(d.title)}</h1>\n{_date_line(d, views)}\n'
            f"{container}\n{body}\n</div>\n{_attach_html(d)}\n</div>"
        )
    index_block = _index_block(d)
    return f'{head}{top}\n<div class="main">\n{index_block}\n{article}\n{tools}\n</div>\n{foot}\n</body>\n</html>\n'


def _encode(d: Doc, text: str) -> bytes:
    if d.encoding == "gb18030":
        text.encode("gbk")  # fail loudly: a page that claims gb2312 must stay inside GBK
        return text.encode("gb18030")
    return text.encode("utf-8")


def _page(title: str, crumbs: list[tuple[str, str]], inner: str, column: str | None = None) -> str:
    meta = [("SiteName", SITE_NAME), ("SiteDomain", SITE_DOMAIN), ("SiteIDCode", SITE_ID)]
    if column:
        meta += [("ColumnName", column), ("ColumnType", column)]
    tags = "\n".join(f'<meta name="{k}" content="{_e(v)}" />' for k, v in meta)
    return (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8" />\n{tags}\n<title>{_e(title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="/css/style.css" />\n'
        '<script type="text/javascript" src="/js/common.js"></script>\n'
        '<script type="text/javascript" src="/js/page.js"></script>\n'
        f'</head>\n<body>\n{_chrome_top(crumbs)}\n<div class="main">\n{inner}\n</div>\n{FOOTER}\n</body>\n</html>\n'
    )


def _short(title: str, limit: int = 28) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def render_lists(docs: list[Doc]) -> dict[str, str]:
    pages: dict[str, str] = {}
    home_crumb = [("首页", "/index.html"), ("政府信息公开", "/xxgk/index.html")]

    def by_col(col: str) -> list[Doc]:
        return sorted((d for d in docs if d.column == col), key=lambda d: d.published, reverse=True)

    # Annual reports: TRS pagination where the page count lives only in a script
    reports = by_col("zfxxgknb")
    per = 13
    chunks = [reports[i : i + per] for i in range(0, len(reports), per)]
    name, url = COLUMNS["zfxxgknb"]
    for n, chunk in enumerate(chunks):
        rows = "\n".join(
            f'<li><a href="{d.url}" target="_blank" title="{_e(d.title)}">{_e(_short(d.title))}</a>'
            f'<span class="org">{_e(d.agency.name)}</span><span class="date">[{d.published:%Y-%m-%d}]</span></li>'
            for d in chunk
        )
        script = (
            f'<script type="text/javascript">\nvar currentPage = {n};\nvar countPage = {len(chunks)};\n'
            f'createPageHTML({len(chunks)}, {n}, "index", "shtml");\n</script>'
        )
        inner = f'<div class="list"><h2>{name}</h2>\n<ul class="list-ul">\n{rows}\n</ul>\n<div class="page">{script}</div></div>'
        pages[f"/xxgk/zfxxgknb/index{'' if n == 0 else f'_{n}'}.shtml"] = _page(
            name, [*home_crumb, (name, url)], inner, name
        )

    # Notices: plain "1 2 3 下一页 尾页" links
    notices = by_col("tzgg")
    per = 5
    chunks = [notices[i : i + per] for i in range(0, len(notices), per)]
    name, url = COLUMNS["tzgg"]
    total = len(chunks)
    for n, chunk in enumerate(chunks, start=1):
        rows = "\n".join(
            f'<tr><td class="t"><a href="{d.url}" target="_blank">{_e(d.title)}</a></td>'
            f"<td>{_e(d.index_no)}</td><td>{d.published:%Y-%m-%d}</td></tr>"
            for d in chunk
        )
        links = ['<a href="/xxgk/tzgg/list_1.html">首页</a>']
        if n > 1:
            links.append(f'<a href="/xxgk/tzgg/list_{n - 1}.html">上一页</a>')
        links += [
            f'<span class="current">{i}</span>' if i == n else f'<a href="/xxgk/tzgg/list_{i}.html">{i}</a>'
            for i in range(1, total + 1)
        ]
        if n < total:
            links.append(f'<a href="/xxgk/tzgg/list_{n + 1}.html">下一页</a>')
        links.append(f'<a href="/xxgk/tzgg/list_{total}.html">尾页</a>')
        inner = (
            f'<div class="list"><h2>{name}</h2>\n<table class="list-table"><tr><th>标题</th><th>索引号</th>'
            f'<th>发布日期</th></tr>\n{rows}\n</table>\n<div class="page">{" ".join(links)} 共{len(notices)}条'
            f"</div></div>"
        )
        page = _page(name, [*home_crumb, (name, url)], inner, name)
        pages[f"/xxgk/tzgg/list_{n}.html"] = page
        if n == 1:
            pages["/xxgk/tzgg/index.html"] = page

    # Policy documents: one page with the full metadata columns
    name, url = COLUMNS["zcwj"]
    rows = "\n".join(
        f'<tr><td>{_e(d.index_no)}</td><td class="t"><a href="{d.url}">{_e(d.title)}</a></td>'
        f"<td>{_e(d.agency.name)}</td><td>{_e(d.doc_no or '—')}</td><td>{d.published:%Y年%m月%d日}</td></tr>"
        for d in by_col("zcwj")
    )
    inner = (
        f'<div class="list"><h2>{name}</h2>\n<table class="list-table"><tr><th>索引号</th><th>标题</th><th>发布机构</th>'
        f"<th>文号</th><th>发布日期</th></tr>\n{rows}\n</table></div>"
    )
    pages["/xxgk/zcwj/index.html"] = _page(name, [*home_crumb, (name, url)], inner, name)

    for col in ("zcjd", "xxgkzn"):
        name, url = COLUMNS[col]
        rows = "\n".join(
            f'<li><a href="{d.url}" title="{_e(d.title)}">{_e(_short(d.title, 34))}</a>'
            f'<span class="date">{d.published:%Y-%m-%d}</span></li>'
            for d in by_col(col)
        )
        inner = f'<div class="list"><h2>{name}</h2>\n<ul class="list-ul">\n{rows}\n</ul></div>'
        pages[f"/xxgk/{col}/index.html"] = _page(name, [*home_crumb, (name, url)], inner, name)

    # Disclosure catalogue and home page
    cols = "\n".join(f'<li><a href="{u}">{n}</a></li>' for n, u in COLUMNS.values())
    agencies = "\n".join(f"<li>{_e(a.name)}</li>" for a in AGENCIES.values())
    latest_plan = max((d for d in docs if "工作要点" in d.title), key=lambda d: d.published)
    inner = (
        f'<div class="xxgk"><h2>政府信息公开目录</h2>\n<ul class="columns">\n{cols}\n</ul>\n'
        f'<p>年度工作要点：<a href="{latest_plan.url}">{_e(latest_plan.title)}</a></p>\n'
        f'<h3>公开主体</h3>\n<ul class="agencies">\n{agencies}\n</ul></div>'
    )
    pages["/xxgk/index.html"] = _page(
        "政府信息公开", [("首页", "/index.html"), ("政府信息公开", "/xxgk/index.html")], inner, "政府信息公开"
    )

    def latest(col: str, k: int) -> str:
        return "\n".join(
            f'<li><a href="{d.url}">{_e(_short(d.title))}</a><span>{d.published:%m-%d}</span></li>'
            for d in by_col(col)[:k]
        )

    inner = (
        f'<div class="home-col"><h2><a href="/xxgk/tzgg/index.html">通知公告</a></h2><ul>\n{latest("tzgg", 6)}\n'
        f'</ul><a class="more" href="/xxgk/tzgg/index.html">更多</a></div>\n'
        f'<div class="home-col"><h2><a href="/xxgk/zfxxgknb/index.shtml">政府信息公开年报</a></h2><ul>\n'
        f'{latest("zfxxgknb", 6)}\n</ul><a class="more" href="/xxgk/zfxxgknb/index.shtml">更多</a></div>\n'
        f'<div class="home-col"><h2><a href="/xxgk/zcjd/index.html">政策解读</a></h2><ul>\n{latest("zcjd", 4)}\n</ul></div>\n'
        f'<div class="home-col"><h2><a href="/xxgk/zcwj/index.html">政策文件</a></h2><ul>\n{latest("zcwj", 4)}\n</ul></div>\n'
        '<div class="home-links"><a href="/xxgk/xxgkzn/index.html">政府信息公开指南</a> | '
        '<a href="/search/index.html?q=年度报告">站内搜索</a> | <a href="/admin/login.html">网站管理</a></div>'
    )
    pages["/index.html"] = _page(f"{SITE_NAME}门户网站", [("首页", "/index.html")], inner)
    return pages


STATIC_FILES = {
    "/robots.txt": "User-agent: *\nDisallow: /admin/\nDisallow: /search/\n",
    "/css/style.css": 'body{font-family:"Microsoft YaHei",SimSun,sans-serif;margin:0;color:#333}\n'
    ".nav li{display:inline-block;margin:0 12px}.position{padding:8px;color:#666}\n"
    ".xxgk_table td,.info-table th,.info-table td{border:1px solid #ddd;padding:4px}\n"
    ".title{font-size:22px;text-align:center}.TRS_Editor,#zoom,.article-content{line-height:2}\n",
    "/js/common.js": "function doZoom(size){var el=document.getElementById('zoom')||"
    "document.querySelector('.TRS_Editor,.article-content');if(el){el.style.fontSize=size+'px';}}\n",
    "/js/page.js": "function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){\n"
    "  if(_nPageCount==null||_nPageCount<=1){return;}\n"
    "  for(var i=0;i<_nPageCount;i++){var n=(i==0)?_sPageName+'.'+_sPageExt:"
    "_sPageName+'_'+i+'.'+_sPageExt;\n"
    "    if(i==_nCurrIndex){document.write('<span>'+(i+1)+'</span> ');}\n"
    "    else{document.write('<a href=\"'+n+'\">'+(i+1)+'</a> ');}}\n}\n",
    "/admin/login.html": '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8" />\n<title>后台管理登录</title>\n</head>\n'
    "<body>\n<h1>内容管理系统登录</h1>\n<p>本页面不应被爬虫抓取（robots.txt 禁止 /admin/）。</p>\n"
    '<form action="/admin/login.html" method="post"><input name="user" />'
    '<input type="password" name="pwd" /></form>\n</body>\n</html>\n',
    "/search/index.html": '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8" />\n<title>站内搜索</title>\n</head>\n'
    "<body>\n<p>站内搜索结果页（robots.txt 禁止 /search/）。</p>\n</body>\n</html>\n",
}


# ---------------------------------------------------------------------------
# Attachments: PDF (fpdf2) and DOCX (python-docx)
# ---------------------------------------------------------------------------

FIXED_TIME = dt.datetime(2025, 3, 1, 8, 0, 0, tzinfo=dt.UTC)


def _pad(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def _pdf_table_rows(t: Table) -> list[list[str]]:
    if len(t.flat) == 3 and len(t.flat[2]) == 15:  # the appeals row reads better transposed on paper
        nums = t.flat[2]
        return [
            ["", *t.flat[1][:5]],
            ["行政复议", *nums[:5]],
            ["行政诉讼（未经复议直接起诉）", *nums[5:10]],
            ["行政诉讼（复议后起诉）", *nums[10:]],
        ]
    return _pad(t.flat)


def make_pdf(d: Doc) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(d.title)
    pdf.set_author(d.agency.name)
    pdf.add_font("wqy", fname=str(FONT))
    pdf.add_font("wqy", style="B", fname=str(FONT))  # tables bold their first row; same face is fine
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("wqy", size=16)
    pdf.multi_cell(0, 10, d.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for kind, payload in d.blocks:
        if kind == "table":
            rows = _pdf_table_rows(payload)
            pdf.set_font("wqy", size=7)
            first = 62 if len(rows[0]) > 5 else 70
            rest = (pdf.epw - first) / (len(rows[0]) - 1)
            with pdf.table(col_widths=(first, *[rest] * (len(rows[0]) - 1)), line_height=4.5) as table:
                for r in rows:
                    row = table.row()
                    for c in r:
                        row.cell(c)
            pdf.ln(2)
            continue
        if kind == "h":
            pdf.set_font("wqy", size=12)
            pdf.multi_cell(0, 8, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind == "sign":
            pdf.set_font("wqy", size=10.5)
            pdf.multi_cell(0, 7, payload, align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("wqy", size=10.5)
            pdf.multi_cell(0, 7, ("" if kind == "sub" else "　　") + payload, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps so the DOCX bytes do not change between runs."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 3, 1, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _docx_base(title: str, author: str) -> Any:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author = author
    props.last_modified_by = author
    props.title = title
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    return document


def _docx_table(document: Any, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            table.cell(i, j).text = c


def make_report_docx(d: Doc) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = _docx_base(d.title, d.agency.name)
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(d.title).bold = True
    for kind, payload in d.blocks:
        if kind == "table":
            _docx_table(document, _pdf_table_rows(payload))
        elif kind in ("h", "sub"):
            document.add_paragraph().add_run(payload).bold = True
        elif kind == "sign":
            document.add_paragraph(payload).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            document.add_paragraph(payload)
    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def make_form_docx(title: str, author: str) -> bytes:
    document = _docx_base(title, author)
    document.add_paragraph().add_run(title).bold = True
    _docx_table(
        document,
        [
            ["姓名", "", "性别", ""],
            ["工作单位", "", "职业", ""],
            ["联系电话", "", "电子邮箱", ""],
            ["参加场次", "□第一季度  □第二季度  □第三季度  □第四季度", "", ""],
            ["意见建议", "", "", ""],
        ],
    )
    document.add_paragraph("请于活动举办前5个工作日将报名表发送至市政务公开办公室。")
    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


# ---------------------------------------------------------------------------
# Manifest and main
# ---------------------------------------------------------------------------

CONTAINERS = {"old": "div#zoom", "trs": "div.TRS_Editor", "kaipu": "div#zoom", "dahan": "div.article-content"}
INDEX_LAYOUTS = {
    "old": "4-column table (生成日期, labels with spaces)",
    "trs": "4-column table",
    "kaipu": "key:value list (ul/li)",
    "dahan": "2-column table, labels with spaces",
}


def _body_chars(d: Doc) -> int:
    n = 0
    for kind, payload in d.blocks:
        if kind == "table":
            n += sum(len("".join(r)) for r in payload.flat)
        else:
            n += len(payload)
    return n


def manifest_entry(d: Doc) -> dict[str, Any]:
    report = d.doc_type == "annual_report"
    source = "html"
    if d.body != "full":
        source = d.attach[0]["kind"]
    return {
        "url": d.url,
        "title": d.title,
        "agency": d.agency.name,
        "doc_type": d.doc_type,
        "year": d.year,
        "published": f"{d.published:%Y-%m-%d}",
        "published_time": f"{d.published:%Y-%m-%d %H:%M}",
        "written": f"{d.written:%Y-%m-%d}",
        "index_no": d.index_no,
        "doc_no": d.doc_no,
        "topic": d.topic,
        "column": d.column,
        "template": d.template,
        "body_container": CONTAINERS[d.template],
        "index_layout": INDEX_LAYOUTS[d.template],
        "encoding": d.encoding,
        "declared_charset": d.declared,
        "meta_tags": d.meta,
        "outline": d.outline,
        "section_keys": d.section_keys if report else None,
        "headings": d.headings,
        "body": d.body,
        "sections_source": source,
        "text_chars": _body_chars(d),
        "attachments": [{"url": a["url"], "name": a["name"], "kind": a["kind"]} for a in d.attach],
        "duplicates": [d.url.rsplit(".", 1)[0] + "_wap.html"] if d.wap else [],
        "stats": d.stats,
        "note": d.note,
    }


def write_site(out: Path, *, quiet: bool = False) -> dict[str, Any]:
    have_font = FONT.exists()
    kept_pdfs: dict[str, bytes] = {}
    if out.exists():
        if not have_font:
            kept_pdfs = {"/" + p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.pdf")}
        shutil.rmtree(out)
    out.mkdir(parents=True)

    def write(path: str, data: bytes) -> None:
        target = out / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    docs = build_docs()
    for d in docs:
        write(d.url, _encode(d, render_article(d)))
        if d.wap:
            write(d.url.rsplit(".", 1)[0] + "_wap.html", _encode(d, render_article(d, wap=True)))
    for path, text in render_lists(docs).items():
        write(path, text.encode("utf-8"))
    for path, text in STATIC_FILES.items():
        write(path, text.encode("utf-8"))

    attachments: list[dict[str, Any]] = []
    skipped: list[str] = []
    for d in docs:
        for a in d.attach:
            if a["kind"] == "pdf":
                if have_font:
                    write(a["url"], make_pdf(d))
                elif a["url"] in kept_pdfs:
                    write(a["url"], kept_pdfs[a["url"]])
                else:
                    skipped.append(a["url"])
            elif a["report"]:
                write(a["url"], make_report_docx(d))
            else:
                write(a["url"], make_form_docx(a["name"].rsplit(".", 1)[0], d.agency.name))
            entry: dict[str, Any] = {
                "url": a["url"],
                "name": a["name"],
                "kind": a["kind"],
                "parent": d.url,
                "agency": d.agency.name,
            }
            if a["report"]:
                entry.update(
                    title=d.title,
                    doc_type=d.doc_type,
                    year=d.year,
                    outline=d.outline,
                    section_keys=d.section_keys,
                    stats=d.stats,
                )
            else:
                entry.update(
                    title=a["name"].rsplit(".", 1)[0], doc_type="other", year=d.year, section_keys=None
                )
            attachments.append(entry)
    if not have_font:
        print(
            f"note: font {FONT} not found, so PDFs were not regenerated "
            f"({len(kept_pdfs)} existing kept, {len(skipped)} missing: {skipped})",
            file=sys.stderr,
        )

    entries = [manifest_entry(d) for d in sorted(docs, key=lambda d: (d.column, d.url))]
    counts = {
        "documents": len(entries),
        "by_type": dict(sorted(Counter(e["doc_type"] for e in entries).items())),
        "by_agency": dict(sorted(Counter(e["agency"] for e in entries).items())),
        "by_year": dict(sorted(Counter(str(e["year"]) for e in entries).items())),
        "by_encoding": dict(
            sorted(Counter(f"{e['encoding']} (declared {e['declared_charset']})" for e in entries).items())
        ),
        "annual_reports_by_outline": dict(
            sorted(Counter(e["outline"] for e in entries if e["outline"]).items())
        ),
        "attachments": dict(sorted(Counter(a["kind"] for a in attachments).items())),
    }
    manifest = {
        "site": {
            "name": SITE_NAME,
            "domain_in_meta": SITE_DOMAIN,
            "site_id": SITE_ID,
            "home": "/index.html",
            "robots_disallow": ["/admin/", "/search/"],
            "disallowed_pages": ["/admin/login.html", "/search/index.html"],
            "note": "all links are root-relative; .shtml pages are HTML",
        },
        "columns": [
            {
                "column": "zfxxgknb",
                "name": "政府信息公开年报",
                "pagination": "trs-script",
                "pages": [
                    "/xxgk/zfxxgknb/index.shtml",
                    "/xxgk/zfxxgknb/index_1.shtml",
                    "/xxgk/zfxxgknb/index_2.shtml",
                ],
            },
            {
                "column": "tzgg",
                "name": "通知公告",
                "pagination": "links",
                "pages": [
                    "/xxgk/tzgg/index.html",
                    "/xxgk/tzgg/list_1.html",
                    "/xxgk/tzgg/list_2.html",
                    "/xxgk/tzgg/list_3.html",
                ],
            },
            {"column": "zcwj", "name": "政策文件", "pagination": None, "pages": ["/xxgk/zcwj/index.html"]},
            {"column": "zcjd", "name": "政策解读", "pagination": None, "pages": ["/xxgk/zcjd/index.html"]},
            {
                "column": "xxgkzn",
                "name": "政府信息公开指南",
                "pagination": None,
                "pages": ["/xxgk/xxgkzn/index.html"],
            },
        ],
        "counts": counts,
        "documents": entries,
        "attachments": attachments,
        "duplicates": [{"url": dup, "same_as": e["url"]} for e in entries for dup in e["duplicates"]],
    }
    write("/MANIFEST.json", (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if not quiet:
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"wrote {sum(1 for p in out.rglob('*') if p.is_file())} files, {size / 1024:.0f} KB, to {out}")
        print(json.dumps(counts, ensure_ascii=False, indent=1))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    write_site(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
