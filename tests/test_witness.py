"""Every field from its best witness (gongkai.extract.witness): the ranking rules and their rejections.

Names and numbers are invented; each case models a kind of dirt from FORMATS.md, "What real pages do to
a parser".
"""

from __future__ import annotations

import pytest

from gongkai.extract import extract_document
from gongkai.extract.witness import (
    Candidate,
    Context,
    agency_problem,
    choose_agency,
    choose_published,
    choose_title,
    choose_year,
    clean_title,
    covered_year,
    file_title,
    first_lines_title,
    title_problem,
)
from gongkai.models import Document

SITE = Context.from_meta({"sitename": "南屏市人民政府门户网站", "columnname": "通知公告"})


# --- titles -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw,title",
    [
        ("关于开展2022年度科学技术奖提名工作的通知 - 中国南屏网", "关于开展2022年度科学技术奖提名工作的通知"),
        ("河西县2019年国民经济和社会发展统计公报_河西县人民政府门户网站", "河西县2019年国民经济和社会发展统计公报"),
        ("石门县医疗保障局关于参保缴费的通告 - 首页", "石门县医疗保障局关于参保缴费的通告"),
        ("石门县人民政府2019年政府信息公开工作年度报告｜石门县人民政府", "石门县人民政府2019年政府信息公开工作年度报告"),
        ("南屏市人民政府门户网站 - 政府信息公开 - 南屏市2020年政府信息公开工作年度报告",
         "南屏市2020年政府信息公开工作年度报告"),
        ("关于印发工作要点的通知_通知公告_南屏市人民政府", "关于印发工作要点的通知"),
        ("河西县农业农村局2022年年度报告_年度报告_河西县人民政府", "河西县农业农村局2022年年度报告"),
        ("临江市财政局2020年部门预算--临江市政府网", "临江市财政局2020年部门预算"),
        ("金沙镇2021年政府信息公开工作年度报告-南屏市金沙镇人民政府", "金沙镇2021年政府信息公开工作年度报告"),
        # an agency in front of its own title stays, without the dash
        ("南屏市财政局-关于南屏市2021年市级预算调整方案的公示", "南屏市财政局关于南屏市2021年市级预算调整方案的公示"),
        ("松岗区人民政府-松岗区人民政府2020年政府信息公开工作年度报告", "松岗区人民政府2020年政府信息公开工作年度报告"),
        # a hyphen inside a title is no separator
        ("南屏市“十四五”规划(2021-2025年)编制说明", "南屏市“十四五”规划(2021-2025年)编制说明"),
    ],
)
def test_clean_title_cuts_only_the_site(raw: str, title: str) -> None:
    assert clean_title(raw, SITE) == title


def test_the_site_owner_in_front_is_cut() -> None:
    assert clean_title("南屏市人民政府-关于做好防汛工作的通知", SITE) == "关于做好防汛工作的通知"


@pytest.mark.parametrize(
    "value,problem",
    [
        ("政府信息公开工作年度报告", "a template's generic name"),
        ("附件1", "a template's generic name"),
        ("Microsoft Word - 附件1.doc", "a file name"),
        ("南屏市2020年年报.docx", "a file name"),
        ("南屏市人民政府门户网站", "names the site or column"),
        ("通知公告", "names the site or column"),
        ("政府信息公开年报", "names the site or column"),
        ("北湖区民政局", "an agency name"),
        ("石门县人民政府办公室文件", "a red-head line"),
        ("石政办发〔2022〕15号", "a 文号"),
        ("2021-06-03 09:12", "a date"),
        ("关于做好2020年度政务公开重点工作的通知2020-03-01", "a list row (a title and its date)"),
        ("各乡镇人民政府，县直各单位：", "a sentence"),
        ("关于", "too short"),
        ("南屏市教育局关于公布2022年普通高中招生录取最低控制分数线的通知", None),
    ],
)
def test_title_problems(value: str, problem: str | None) -> None:
    assert title_problem(value, SITE) == problem


def test_file_title_unwraps_word_names() -> None:
    assert file_title("Microsoft Word - 2022年部门预算公开说明.docx") == "2022年部门预算公开说明"
    assert file_title("附件1.doc") == "附件1"


def test_generic_pdf_title_loses_to_the_first_lines() -> None:
    choice = choose_title([Candidate("file metadata title", "政府信息公开工作年度报告"),
                           Candidate("first lines", "南屏市生态环境局2021年政府信息公开工作年度报告")], Context())
    assert (choice.value, choice.witness) == ("南屏市生态环境局2021年政府信息公开工作年度报告", "first lines")
    assert choice.rejected == []  # the metadata title ranks below the winner: nothing to trace


def test_rejections_above_the_winner_are_kept() -> None:
    choice = choose_title([Candidate("<h1>", "河西县农业农村局"), Candidate("title element", "南屏市人民政府"),
                           Candidate("<title>", "河西县农业农村局2022年年度报告"), Candidate("first lines", "一、总体情况")],
                          SITE)
    assert choice.witness == "<title>"
    assert choice.rejected == ["<h1>: an agency name", "title element: names the site or column"]


def test_a_more_complete_title_wins() -> None:
    choice = choose_title([Candidate("meta ArticleTitle", "2019年政府信息公开工作年度报告"),
                           Candidate("<h1>", "青溪区财政局2019年政府信息公开工作年度报告")], Context())
    assert choice.witness == "<h1>"
    truncated = choose_title([Candidate("meta ArticleTitle", "关于进一步加强基层政务公开标准化..."),
                              Candidate("<title>", "关于进一步加强基层政务公开标准化规范化建设的通知")], Context())
    assert truncated.witness == "<title>"


def test_nothing_valid_keeps_the_best_ranked_text() -> None:
    choice = choose_title([Candidate("<title>", "北湖区民政局")], Context())
    assert (choice.value, choice.witness) == ("北湖区民政局", "<title> (no valid witness)")


@pytest.mark.parametrize(
    "lines,title,start,end",
    [
        (["附件1", "河西县人力资源和社会保障局", "2020年政府信息公开工作年度报告", "根据……"],
         "河西县人力资源和社会保障局2020年政府信息公开工作年度报告", 1, 3),
        (["石门县人民政府办公室文件", "石政办发〔2022〕15号", "石门县人民政府办公室关于印发石门县2022年政务公开工作要",
          "点的通知", "各乡镇人民政府："], "石门县人民政府办公室关于印发石门县2022年政务公开工作要点的通知", 2, 4),
        (["北湖区教育局2022年政府信息公开", "工作年度报告", "本报告……"], "北湖区教育局2022年政府信息公开工作年度报告", 0, 2),
        (["金沙镇2020年政务公开工作总结", "发布时间：2021-01-12"], "金沙镇2020年政务公开工作总结", 0, 1),
        # two short lines that do not end like a title stay apart
        (["组织领导", "加强培训"], "组织领导", 0, 1),
    ],
)
def test_first_lines_title(lines: list[str], title: str, start: int, end: int) -> None:
    assert first_lines_title(lines) == (title, start, end)


# --- agencies -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value,problem",
    [
        ("松岗发布", "a channel or account, not an issuer"),
        ("“白沙教育”微信公众号", "a channel or account, not an issuer"),
        ("中国南屏网", "a channel or account, not an issuer"),
        ("区融媒体中心", "a channel or account, not an issuer"),
        ("通知公告", "the column's name"),
        ("我局", "not a name"),
        ("南屏市卫生健康委员会访问量:231", "not a name"),
        ("办公室主任张三", "not an agency name"),
        ("南屏市交通运输局", None),
        ("南屏市", None),
    ],
)
def test_agency_problems(value: str, problem: str | None) -> None:
    assert agency_problem(value, SITE) == problem


def test_a_bare_place_yields_to_an_organisation() -> None:
    choice = choose_agency([Candidate("index table 发布机构", "南屏市"), Candidate("title", "南屏市交通运输局")], SITE)
    assert (choice.value, choice.witness) == ("南屏市交通运输局", "title")
    assert choice.rejected == ["index table 发布机构: a bare place name"]
    alone = choose_agency([Candidate("title", "金沙镇")], SITE)
    assert alone.value == "金沙镇"


def test_the_site_owner_as_content_source_yields_to_the_signature() -> None:
    choice = choose_agency([Candidate("meta ContentSource", "南屏市人民政府"), Candidate("signature", "南屏市交通运输局"),
                            Candidate("site name", "南屏市人民政府")], SITE)
    assert choice.value == "南屏市交通运输局"
    assert "the site's owner" in choice.rejected[0]


def test_index_table_and_title_rank_above_content_source() -> None:
    choice = choose_agency([Candidate("meta ContentSource", "白沙县财政局"), Candidate("title", "青溪区财政局")], Context())
    assert choice.witness == "title"


# --- dates and years ----------------------------------------------------------------------------

def test_page_dates_rank_above_the_document_dates() -> None:
    choice = choose_published([Candidate("signature", "2011-05-16"), Candidate("URL", "2018-01-05"),
                               Candidate("page label", "2015-11-10")], "2011-05-16")
    assert (choice.value, choice.witness) == ("2015-11-10", "page label")


def test_a_date_before_the_written_date_is_rejected() -> None:
    choice = choose_published([Candidate("beside the title", "2020-05-20"), Candidate("URL", "2021-06-04")], "2021-06-01")
    assert (choice.value, choice.witness) == ("2021-06-04", "URL")
    assert choice.rejected == ["beside the title: 2020-05-20 is before the 成文日期 2021-06-01"]


@pytest.mark.parametrize(
    "title,doc_type,year",
    [
        ("河西县2019年国民经济和社会发展统计公报", "other", 2019),
        ("南屏市卫生健康委员会2020年度部门决算公开", "other", 2020),
        ("河西县财政局2021年部门预算公开说明", "other", 2021),
        ("关于青溪区2020年预算执行情况和2021年预算草案的报告", "other", 2020),
        ("南屏市人民政府办公室关于印发南屏市2022年政务公开工作要点的通知", "policy", 2022),
        ("关于印发《2021年全市统计工作要点》的通知", "policy", 2021),
        ("金沙镇2020年政务公开工作总结", "other", 2020),
        ("青溪区2023年政务公开工作计划", "policy", 2023),
        ("云岭镇2021年度政府信息公开工作年度报告", "annual_report", 2021),
        # a notice that only mentions such a document covers nothing
        ("关于做好2021年度部门决算编报工作的通知", "notice", None),
        ("关于开展2021年度城乡居民医疗保险参保登记工作的通告", "notice", None),
        ("关于下达2022年第一批建设用地计划的通知", "notice", None),
    ],
)
def test_covered_year(title: str, doc_type: str, year: int | None) -> None:
    assert covered_year(title, doc_type) == year


def test_year_fallbacks() -> None:
    def year(title: str, doc_type: str, **kw: str | None) -> tuple[str, str]:
        args = {"published": None, "written": None, "signed": None, **kw}
        c = choose_year(doc_type, title, kw.pop("body", "") or "", doc_no=kw.get("doc_no") or "",
                        published=args["published"], written=args["written"], signed=args["signed"])
        return c.value, c.witness

    assert year("河西县统计局2020年国民经济和社会发展统计公报", "other", published="2021-04-02") == \
        ("2020", "title (covered year)")
    assert year("南屏市卫生健康委员会部门决算公开", "other", published="2021-09-06") == \
        ("2020", "published − 1 (published the year after)")
    # a policy about final accounts is no final account: the year issued
    assert year("青溪市财政局预决算公开管理办法", "policy", written="2018-05-20") == ("2018", "index table 成文日期")
    assert year("石门县气象局政府信息公开工作年度报告", "annual_report", published="2020-02-10") == \
        ("2019", "published − 1 (published the year after)")
    assert year("南屏市应急管理局政府信息公开工作年度报告", "annual_report", published="2021-01-29",
                body="所列数据统计时限自2020年1月1日至2020年12月31日。") == ("2020", "statistics period")
    assert year("关于开展冬春火灾防控专项行动的通知", "notice", signed="2019-11-20") == ("2019", "signature")
    assert year("关于做好2021年春节值班的通知", "notice", written="2021-01-20", published="2021-01-22") == \
        ("2021", "index table 成文日期")
    assert year("关于做好2021年春节值班的通知", "notice") == ("2021", "title")


# --- documents ----------------------------------------------------------------------------------

def test_provenance_round_trips_and_old_documents_load() -> None:
    html = ("<html><head><title>南屏市人民政府门户网站</title></head><body><div class='article-title'>"
            "南屏市教育局关于做好2022年秋季开学工作的通知</div><div id='zoom'><p>各学校：请做好开学准备工作，确保安全。</p>"
            "</div></body></html>")
    doc = extract_document("http://www.nanping.example.gov.cn/zwgk/2022-08/25/content_1.htm", html.encode())
    assert doc.provenance == {"title": "title element", "agency": "title", "published": "URL", "year": "published"}
    assert Document.from_dict(doc.to_dict()).provenance == doc.provenance
    old = doc.to_dict()
    del old["provenance"]  # stored before provenance was kept
    assert Document.from_dict(old).provenance == {}


def test_text_standing_in_for_a_title_stays_in_the_body() -> None:
    text = "各单位：请于6月30日前报送2022年就业见习补贴申领材料，逾期不予受理。\n联系电话：0736-5322xxx。"
    doc = extract_document("notice.txt", text.encode())
    assert doc.provenance["title"] == "first lines (no valid witness)"
    assert doc.title == "各单位：请于6月30日前报送2022年就业见习补贴申领材料，逾期不予受理。".replace("：", ":").replace("，", ",")
    assert doc.text.startswith("各单位:请于6月30日前报送")
    # a real title on the first line is not repeated in the body
    titled = extract_document("notice.txt", ("关于报送就业见习补贴申领材料的通知\n" + text).encode())
    assert titled.title == "关于报送就业见习补贴申领材料的通知" and not titled.text.startswith("关于")


def test_content_after_the_end_of_html_is_read() -> None:
    html = ("<html><head><title>石门县2021年政务公开工作要点</title></head><body><div class='top'>首页</div></body>"
            "</html><p>索引号：430726000/2021-00003</p><p>发布日期：2021-03-02</p>"
            "<div class='zw'><p>一、深化重点领域公开</p><p>各单位要在政策发布后5个工作日内同步发布解读材料。</p></div>")
    doc = extract_document("http://www.shimen.example.gov.cn/gk/a.html", html.encode())
    assert (doc.index_no, doc.published, doc.year) == ("430726000/2021-00003", "2021-03-02", 2021)
    assert "同步发布解读材料" in doc.text


def test_the_crawler_prefers_the_list_title_to_a_refused_one() -> None:
    from gongkai.crawler.request import Request
    from gongkai.crawler.sync import _fill_from_list

    url = "http://www.beihu.example.gov.cn/gkmlpt/content/3/3456/post_3456790.html"
    html = ("<html><head><title>北湖区人民政府门户网站</title></head><body><div class='article-content'>"
            "<p>各见习基地：请于6月30日前报送2022年就业见习补贴申领材料，逾期不予受理。</p></div></body></html>")
    doc = extract_document(url, html.encode())
    assert doc.provenance["title"] == "<title> (no valid witness)"
    hint = Request(url, title="关于报送2022年就业见习补贴申领材料的通知", published="2022-06-01").hint()
    _fill_from_list(doc, hint)
    assert (doc.title, doc.published, doc.year, doc.doc_type) == (
        "关于报送2022年就业见习补贴申领材料的通知", "2022-06-01", 2022, "notice")
    assert (doc.provenance["title"], doc.provenance["published"], doc.provenance["year"]) == (
        "list page", "list page", "published")
    # the first sentence that stood in for a title was never taken out of the text
    assert doc.text.startswith("各见习基地:请于6月30日前报送")
    # a title of the page's own that passed is kept
    good = extract_document(url, html.replace("北湖区人民政府门户网站", "关于补贴申领的通知").encode())
    _fill_from_list(good, hint)
    assert good.title == "关于补贴申领的通知"


def test_a_signature_on_one_line() -> None:
    """A right-aligned signature whose line break was a space: the agency and the date on one line."""
    html = ("<html><head><title>关于城区临时停水的通知</title></head><body><h1>关于城区临时停水的通知</h1>"
            "<p>因管网维修，11月22日8时至18时城区东片停水，请居民提前储水。</p>"
            "<p style='text-align:right'>青溪县水务局&nbsp;&nbsp;2026年11月20日</p></body></html>")
    doc = extract_document("http://www.qx.example.gov.cn/tzgg/a.html", html.encode())
    assert (doc.agency, doc.published, doc.year) == ("青溪县水务局", "2026-11-20", 2026)
    assert (doc.provenance["agency"], doc.provenance["published"]) == ("signature", "signature")
    # a sentence ending in a date is no signature
    other = extract_document("http://www.qx.example.gov.cn/tzgg/b.html",
                             html.replace("青溪县水务局&nbsp;&nbsp;2026年11月20日", "停水时间另行通知 2026年11月20日").encode())
    assert other.agency == ""
