"""Section splitting and naming (gongkai.extract.sections, gongkai.vocabulary).

Sample texts are invented (青溪区, 白石镇 …) and modelled on the outlines in FORMATS.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.errors import UnknownSectionError, UsageError
from gongkai.extract.sections import split_sections
from gongkai.vocabulary import SECTION_KEYS, SECTION_LABELS, canonical_key, resolve_section, section_label

SEED_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seed"


def shape(text: str) -> list[tuple[str, str]]:
    return [(s.number, s.key) for s in split_sections(text)]


def by_number(text: str) -> dict[str, str]:
    return {s.number: s.text for s in split_sections(text)}


OLD_OUTLINE = """\
青溪区人民政府办公室2015年政府信息公开工作年度报告
根据《中华人民共和国政府信息公开条例》规定，特向社会公布本年度报告。
一、概述
2015年，青溪区认真贯彻落实政府信息公开条例。
二、主动公开政府信息情况
（一）公开数量。全年主动公开政府信息2310条。
（二）公开形式
通过政府网站、公开栏等形式公开。
三、依申请公开政府信息情况
全年共受理申请15件，均按期答复。
四、政府信息公开的收费及减免情况
本年度未收取任何费用。
五、因政府信息公开申请提起行政复议、行政诉讼的情况
全年未发生行政复议和行政诉讼。
六、存在的主要问题和改进措施
一是公开内容不够全面；二是工作人员业务能力有待提高。
七、需要说明的事项
无。
"""

TEMPLATE_2019 = """\
青溪区财政局2020年政府信息公开工作年度报告
本报告根据《中华人民共和国政府信息公开条例》要求编制。
一、总体情况
2020年，青溪区财政局坚持以公开为常态、不公开为例外。
（一）主动公开
全年主动公开政府信息328条。
（二）依申请公开
全年收到政府信息公开申请12件。
（三）政府信息管理
（四）政府信息公开平台建设
（五）监督保障
二、主动公开政府信息情况
第二十条第（一）项 | | |
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量
规章 | 0 | 0 | 0
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | | |
| 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计
一、本年新收政府信息公开申请数量 | 10 | 2 | 0 | 0 | 0 | 0 | 12
二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1
三、本年度办理结果 | （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6
| （七）总计 | 11 | 2 | 0 | 0 | 0 | 0 | 13
四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0
四、政府信息公开行政复议、行政诉讼情况
行政复议 | | | | | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计
0 | 0 | 0 | 0 | 0
五、存在的主要问题及改进情况
信息公开的及时性有待提高。
六、其他需要报告的事项
本机关未收取信息处理费。
"""

TEMPLATE_GOLDEN = [("", "overview"), ("一", "overview"), ("二", "proactive"), ("三", "requests"),
                   ("四", "appeals"), ("五", "problems"), ("六", "other")]


# --- both outlines ----------------------------------------------------------------------------

def test_old_outline() -> None:
    assert shape(OLD_OUTLINE) == [("", "overview"), ("一", "overview"), ("二", "proactive"),
                                  ("三", "requests"), ("四", "fees"), ("五", "appeals"),
                                  ("六", "problems"), ("七", "other")]
    sections = split_sections(OLD_OUTLINE)
    assert sections[2].heading == "主动公开政府信息情况"
    assert sections[5].heading == "因政府信息公开申请提起行政复议、行政诉讼的情况"
    assert sections[2].subheadings == ["公开数量", "公开形式"]
    assert sections[2].text.splitlines()[0] == "（一）公开数量。全年主动公开政府信息2310条。"


def test_preamble_is_kept_searchable() -> None:
    first = split_sections(OLD_OUTLINE)[0]
    assert (first.number, first.heading, first.key) == ("", "", "overview")
    assert "特向社会公布" in first.text


def test_no_preamble_when_text_starts_with_a_heading() -> None:
    assert shape("一、概述\n正文。\n二、主动公开政府信息情况\n正文。") == [("一", "overview"), ("二", "proactive")]


def test_template_2019_with_flattened_tables() -> None:
    assert shape(TEMPLATE_2019) == TEMPLATE_GOLDEN
    sections = split_sections(TEMPLATE_2019)
    assert sections[1].subheadings == ["主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障"]
    requests = sections[3]
    assert requests.heading == "收到和处理政府信息公开申请情况"
    assert "一、本年新收政府信息公开申请数量 | 10 | 2 | 0 | 0 | 0 | 0 | 12" in requests.text
    assert "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in requests.text


def test_template_2019_table_one_cell_per_line() -> None:
    text = """\
一、总体情况
全年主动公开信息100条。
二、主动公开政府信息情况
规章
0
三、收到和处理政府信息公开申请情况
申请人情况
自然人
商业
企业
总计
一、本年新收政府信息公开申请数量
10
二、上年结转政府信息公开申请数量
1
三、本年度办理结果
（一）予以公开
5
四、结转下年度继续办理
0
四、政府信息公开行政复议、行政诉讼情况
0
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""
    assert shape(text) == TEMPLATE_GOLDEN[1:]
    assert "四、结转下年度继续办理" in by_number(text)["三"]


@pytest.mark.parametrize(
    ("first", "key"),
    [
        ("一、2020年政府信息公开总体情况", "overview"),
        ("一、政府信息公开工作总体情况", "overview"),
        ("一、本年度政府信息公开工作的基本情况", "overview"),
        ("一、基本情况", "overview"),
        ("一、总体情况", "overview"),
        ("一、總體情況", "overview"),
        ("一、2019年 政府信息公开总体情况", "overview"),
    ],
)
def test_overview_heading_variants(first: str, key: str) -> None:
    assert shape(f"{first}\n正文。\n二、主动公开政府信息情况\n正文。") == [("一", key), ("二", "proactive")]


# --- heading variants -------------------------------------------------------------------------

def test_em_dash_for_one() -> None:
    text = "—、概述\n本年度……\n二、主动公开政府信息情况\n……\n三、依申请公开政府信息情况\n……"
    assert shape(text) == [("一", "overview"), ("二", "proactive"), ("三", "requests")]
    assert split_sections(text)[0].heading == "概述"


def test_spaces_instead_of_enumeration_comma() -> None:
    text = ("一 概 述\n本年度……\n二 主动公开政府信息情况\n……\n三  依申请公开政府信息情况\n……\n"
            "四 因政府信息公开申请提起行政复议、行政诉讼的情况\n……\n五 这是一个很长的没有任何已知关键词的正文行内容啊\n")
    assert shape(text) == [("一", "overview"), ("二", "proactive"), ("三", "requests"), ("四", "appeals")]
    assert [s.heading for s in split_sections(text)][:3] == ["概述", "主动公开政府信息情况", "依申请公开政府信息情况"]


@pytest.mark.parametrize("sep", ["、", "．", ".", ". ", "，", " 、"])
def test_separators(sep: str) -> None:
    text = f"一{sep}概述\n……\n二{sep}主动公开政府信息情况\n……"
    assert shape(text) == [("一", "overview"), ("二", "proactive")]


def test_full_width_and_ascii_text_is_normalised_for_matching() -> None:
    assert canonical_key("四、因政府信息公开申请提起行政复议，行政诉讼的情况") == "appeals"
    assert canonical_key("五．存在的主要问题及改进情况：") == "problems"


def test_traditional_characters() -> None:
    text = """\
一、總體情況
本機關……
二、主動公開政府信息情況
……
三、收到和處理政府信息公開申請情況
……
四、政府信息公開行政復議、行政訴訟情況
……
五、存在的主要問題及改進情況
……
六、其他需要報告的事項
……
"""
    assert shape(text) == TEMPLATE_GOLDEN[1:]
    assert split_sections(text)[0].heading == "總體情況"  # stored as it appears


def test_extra_parts_seven_to_nine() -> None:
    text = OLD_OUTLINE + "八、人大代表建议和政协提案办理情况\n……\n九、附表\n……\n十、其他\n……\n"
    assert shape(text)[-4:] == [("七", "other"), ("八", "other"), ("九", "other"), ("十", "other")]


def test_numbers_above_ten() -> None:
    text = "\n".join(f"{n}、第{n}部分主动公开情况\n正文。" for n in
                      ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "二十"])
    assert [s.number for s in split_sections(text)] == ["一", "二", "三", "四", "五", "六", "七", "八", "九",
                                                        "十", "十一", "十二", "二十"]


def test_missing_sections() -> None:
    text = "一、概述\n……\n三、依申请公开政府信息情况\n……\n六、存在的主要问题和改进措施\n……"
    assert shape(text) == [("一", "overview"), ("三", "requests"), ("六", "problems")]


def test_first_section_missing() -> None:
    text = "青溪区2016年政府信息公开年报\n二、主动公开政府信息情况\n……\n三、依申请公开政府信息情况\n……"
    assert shape(text) == [("", "overview"), ("二", "proactive"), ("三", "requests")]


def test_duplicated_numbers() -> None:
    text = ("一、概述\n……\n二、主动公开政府信息情况\n……\n二、依申请公开政府信息情况\n……\n"
            "三、政府信息公开的收费及减免情况\n……")
    assert shape(text) == [("一", "overview"), ("二", "proactive"), ("二", "requests"), ("三", "fees")]


def test_heading_split_over_two_lines() -> None:
    text = "一、\n概述\n本年度……\n二、\n主动公开政府信息情况\n……"
    assert shape(text) == [("一", "overview"), ("二", "proactive")]
    assert [s.text for s in split_sections(text)] == ["本年度……", "……"]


def test_heading_continued_inline() -> None:
    text = ("一、概述。2017年，白石镇认真贯彻落实政府信息公开条例，进一步完善工作机制，全面推进政务公开。\n"
            "二、政府信息公开申请办理情况：全年收到申请3件，均已按期答复。")
    sections = split_sections(text)
    assert [(s.number, s.heading, s.key) for s in sections] == [
        ("一", "概述", "overview"), ("二", "政府信息公开申请办理情况", "requests")]
    assert sections[0].text.startswith("2017年，白石镇")
    assert sections[1].text == "全年收到申请3件，均已按期答复。"


def test_heading_fused_with_the_first_table_row() -> None:
    text = ("一、总体情况\n……\n三、收到和处理政府信息公开申请情况 | 申请人情况 | | |\n"
            "一、本年新收政府信息公开申请数量 | 10 | 12\n四、结转下年度继续办理 | 0 | 0\n"
            "四、政府信息公开行政复议、行政诉讼情况 | 行政复议 | | 行政诉讼\n0 | 0 | 0\n"
            "五、存在的主要问题及改进情况\n……")
    sections = split_sections(text)
    assert shape(text) == [("一", "overview"), ("三", "requests"), ("四", "appeals"), ("五", "problems")]
    assert sections[1].text.splitlines()[0] == "| 申请人情况 | | |"
    assert sections[2].heading == "政府信息公开行政复议、行政诉讼情况"


def test_headings_with_result_row_words() -> None:
    text = ("一、概述\n……\n二、主动公开政府信息情况\n……\n三、依申请公开政府信息和不予公开政府信息的情况\n"
            "全年受理申请5件，不予公开1件。\n四、政府信息公开的收费及减免情况\n无。")
    assert shape(text) == [("一", "overview"), ("二", "proactive"), ("三", "requests"), ("四", "fees")]
    # the template's own rows stay table rows
    table = "三、收到和处理政府信息公开申请情况\n三、本年度办理结果（一）予以公开 | 5 | 5\n四、不予公开 | 1 | 1"
    assert shape(table) == [("三", "requests")]


@pytest.mark.parametrize(
    "line,heading,body",
    [
        ("一、总体情况2021年，我县认真贯彻落实条例。", "总体情况", "2021年，我县认真贯彻落实条例。"),
        ("一、概述2016年，我局按照县政府统一部署，将政府信息公开工作纳入重要议事日程，确定办公室为工作机构。", "概述",
         "2016年，我局按照县政府统一部署，将政府信息公开工作纳入重要议事日程，确定办公室为工作机构。"),
        ("二、主动公开政府信息的情况全年主动公开政府信息127条。", "主动公开政府信息的情况", "全年主动公开政府信息127条。"),
        ("五、存在的主要问题及改进情况一是解读不够；二是更新不及时。", "存在的主要问题及改进情况", "一是解读不够；二是更新不及时。"),
        ("六、政府信息公开工作存在的主要问题和改进措施主要问题是信息更新不够及时。",
         "政府信息公开工作存在的主要问题和改进措施", "主要问题是信息更新不够及时。"),
        ("六、其他需要报告的事项 本年度未收取信息处理费。", "其他需要报告的事项", "本年度未收取信息处理费。"),
    ],
)
def test_heading_glued_to_its_first_sentence(line: str, heading: str, body: str) -> None:
    first = "一、概述\n……\n" if not line.startswith("一") else ""
    sections = [s for s in split_sections(first + line) if s.number == line[0]]
    assert [(s.heading, s.text) for s in sections] == [(heading, body)]


def test_glued_words_that_do_not_start_a_sentence_stay_in_the_heading() -> None:
    # "情况" followed by "的…" or "良好" is inside the heading or a list item, not the end of a heading
    assert split_sections("一、总体情况良好，各项工作有序推进，群众满意度较高，全年未发生责任追究事件。")[0].heading == ""
    assert split_sections("二、主动公开政府信息情况的审核\n正文。")[0].heading == "主动公开政府信息情况的审核"


def test_pdf_table_rows_are_not_headings() -> None:
    text = ("三、收到和处理政府信息公开申请情况\n申请人情况 自然人 商业企业 其他 总计\n"
            "一、本年新收政府信息公开申请数量 11 2 0 13\n二、上年结转政府信息公开申请数量 1 0 0 1\n"
            "四、结转下年度继续办理 0 0 0 0\n二、工作量统计 3 4 5\n"
            "四、政府信息公开行政复议、行政诉讼情况\n无。")
    assert shape(text) == [("三", "requests"), ("四", "appeals")]


def test_unrecognised_numbered_table_row_is_not_a_heading() -> None:
    text = "一、总体情况\n……\n二、工作量 | 3 | 4\n三、依申请公开情况\n……"
    assert shape(text) == [("一", "overview"), ("三", "requests")]


def test_outline_quoted_in_the_preamble() -> None:
    text = """\
青溪区2024年政府信息公开工作年度报告
本报告包括以下内容：
一、总体情况
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
六、其他需要报告的事项
一、总体情况
2024年，青溪区……
二、主动公开政府信息情况
……
三、收到和处理政府信息公开申请情况
……
六、其他需要报告的事项
无。
"""
    sections = split_sections(text)
    assert shape(text) == [("", "overview"), ("一", "overview"), ("二", "proactive"), ("三", "requests"),
                           ("六", "other")]
    assert "二、主动公开政府信息情况" in sections[0].text
    assert sections[1].text == "2024年，青溪区……"


def test_duplicated_sub_numbers_give_one_subheading_each() -> None:
    text = "一、总体情况\n（一）主动公开\n……\n（一）主动公开\n（二）依申请公开\n（二）政府信息管理"
    assert split_sections(text)[0].subheadings == ["主动公开", "依申请公开", "政府信息管理"]


def test_bom_and_zero_width_spaces() -> None:
    assert shape("\ufeff一、概\u200b述\n……\n\u200b二、主动公开政府信息情况\n……") == [
        ("一", "overview"), ("二", "proactive")]


# --- things that are not top-level headings ---------------------------------------------------

def test_numbered_list_inside_a_section_is_not_split() -> None:
    text = """\
一、概述
……
二、主动公开政府信息情况
……
三、存在的主要问题和改进措施
下一步，我局将重点做好以下工作：
一、加强组织领导
二、完善工作制度
三、强化监督考核
四、提升队伍素质
四、其他需要报告的事项
无。
"""
    assert shape(text) == [("一", "overview"), ("二", "proactive"), ("三", "problems"), ("四", "other")]
    body = by_number(text)["三"]
    assert "一、加强组织领导" in body and "四、提升队伍素质" in body


def test_list_continuing_past_the_section_number_is_not_split() -> None:
    text = """\
一、概述
我局主要做了以下工作：
一、加强组织领导
二、健全工作机制
三、强化队伍建设
二、主动公开政府信息情况
……
"""
    assert shape(text) == [("一", "overview"), ("二", "proactive")]
    assert "二、健全工作机制" in by_number(text)["一"]


def test_long_numbered_paragraph_is_not_a_heading() -> None:
    text = ("一、概述\n……\n二、存在的主要问题和改进措施\n"
            "三、进一步加强政务公开队伍建设提高工作人员的业务能力和服务水平确保各项工作落到实处切实增强群众获得感\n"
            "四、加强依申请公开办理，规范答复流程。\n")
    assert shape(text) == [("一", "overview"), ("二", "problems")]


def test_inline_sub_parts_stay_in_text() -> None:
    text = "一、概述\n一是加强组织领导。二是完善制度。\n主动公开方面。全年公开信息50条。"
    sections = split_sections(text)
    assert shape(text) == [("一", "overview")]
    assert sections[0].subheadings == []
    assert sections[0].text == "一是加强组织领导。二是完善制度。\n主动公开方面。全年公开信息50条。"


def test_sub_part_styles() -> None:
    text = """\
一、总体情况
（一）主动公开
(二)依申请公开。全年收到申请5件。
（1）网站公开
1.政府门户网站。充分发挥平台作用。
2、新闻媒体
3. 公共查阅场所：完善查阅点。
1.5万条信息已公开。
（三）政府信息管理 | 10
"""
    sections = split_sections(text)
    assert sections[0].subheadings == ["主动公开", "依申请公开", "网站公开", "政府门户网站", "新闻媒体",
                                       "公共查阅场所"]
    assert "（三）政府信息管理 | 10" in sections[0].text


# --- degenerate input -------------------------------------------------------------------------

def test_no_headings_gives_one_other_section() -> None:
    text = "关于印发青溪区政务公开工作要点的通知\n各镇人民政府，区直各单位：\n现将要点印发给你们。"
    sections = split_sections(text)
    assert [(s.number, s.heading, s.key) for s in sections] == [("", "", "other")]
    assert sections[0].text == text


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\x00", "\u3000\n"])
def test_blank_text(text: str) -> None:
    assert split_sections(text) == []


def test_nul_bytes_and_odd_line_breaks() -> None:
    text = "一、概\x00述\r\n正文\x00一。\r二、主动公开政府信息情况\u2028正文二。"
    sections = split_sections(text)
    assert shape(text) == [("一", "overview"), ("二", "proactive")]
    assert sections[0].heading == "概述"
    assert sections[0].text == "正文一。"


def test_whole_report_on_one_line_with_glued_headings() -> None:
    text = ("本报告依据《中华人民共和国政府信息公开条例》编制，所列数据统计期限自2022年1月1日起至2022年12月31日止。"
            "一、总体情况2022年，金沙镇主动公开政府信息311条。二、主动公开政府信息情况本年制发文件0件。"
            "三、收到和处理政府信息公开申请情况本年新收申请1件。四、政府信息公开行政复议、行政诉讼情况本年度未发生。"
            "五、存在的主要问题及改进情况一是公开内容不够丰富。六、其他需要报告的事项本年度未收取信息处理费。")
    assert shape(text) == [("", "overview"), ("一", "overview"), ("二", "proactive"), ("三", "requests"),
                           ("四", "appeals"), ("五", "problems"), ("六", "other")]
    assert split_sections(text)[4].text == "本年度未发生。"


def test_whole_report_on_one_line() -> None:
    text = " ".join(line for line in OLD_OUTLINE.splitlines()) * 1
    assert len(text.splitlines()) == 1
    assert shape(text) == [("", "overview"), ("一", "overview"), ("二", "proactive"), ("三", "requests"),
                           ("四", "fees"), ("五", "appeals"), ("六", "problems"), ("七", "other")]


def test_large_text_is_split_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """5 MB of reports: every line is looked at a bounded number of times (linear work, however many
    sections) and no line is lost. Speed itself is measured by the benchmark, not here."""
    import gongkai.extract.sections as sections_module

    text = OLD_OUTLINE * 3000 + TEMPLATE_2019 * 3000  # about 5 MB
    assert len(text.encode("utf-8")) > 4_000_000
    calls = 0
    parse = sections_module._parse_heading

    def counting(line: str, loose: bool = False) -> object:
        nonlocal calls
        calls += 1
        return parse(line, loose)

    monkeypatch.setattr(sections_module, "_parse_heading", counting)
    sections = split_sections(text)
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    assert calls <= 2 * len(lines)  # once per line, twice for "一、" whose heading is on the next line
    assert sections[0].key == "overview"
    kept = sum(len([x for x in s.text.splitlines() if x.strip()]) + bool(s.number or s.heading) for s in sections)
    assert kept == len(lines)


def test_huge_single_line_stays_one_section() -> None:
    text = "一、概述" + "正文内容，" * 500_000  # past the one-line limit: not cut into sentences
    assert [(s.number, s.key, s.text) for s in split_sections(text)] == [("", "other", text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二三四五六七八九十—、，。．.（）()|： \n\x00a1概述主动公开申请复议")),
               max_size=200))
def test_never_crashes_and_keeps_every_line(text: str) -> None:
    sections = split_sections(text)
    assert all(s.key in SECTION_KEYS for s in sections)
    kept = "".join(s.number + s.heading + s.text for s in sections)
    for char in text.replace("\x00", ""):
        if char.isspace() or char in "、，。．.：|（）()—":
            continue
        assert char in kept


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_any_text(text: str) -> None:
    for section in split_sections(text):
        assert section.key in SECTION_KEYS


# --- canonical_key ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("概述", "overview"),
        ("一、概述", "overview"),
        ("基本情况", "overview"),
        ("本年度政府信息公开工作的基本情况", "overview"),
        ("总体情况", "overview"),
        ("政府信息公开的组织领导和制度建设情况", "overview"),
        ("机构建设和保障经费", "other"),
        ("主动公开政府信息情况", "proactive"),
        ("主动公开政府信息的情况", "proactive"),
        ("重点领域信息公开", "proactive"),
        ("回应解读", "proactive"),
        ("平台建设", "proactive"),
        ("依申请公开政府信息情况", "requests"),
        ("政府信息公开申请办理情况", "requests"),
        ("收到和处理政府信息公开申请情况", "requests"),
        ("政府信息公开的收费及减免情况", "fees"),
        ("因政府信息公开申请提起行政复议、行政诉讼的情况", "appeals"),
        ("政府信息公开行政复议、行政诉讼情况", "appeals"),
        ("存在的主要问题和改进措施", "problems"),
        ("主要问题及下一步工作打算", "problems"),
        ("存在的主要问题及改进情况", "problems"),
        ("需要说明的事项", "other"),
        ("其他需要报告的事项", "other"),
        ("附表", "other"),
        ("附表：主动公开情况统计表", "other"),
        ("人大代表建议和政协提案办理情况", "other"),
        # old-outline long forms, with words that also label statistics rows
        ("依申请公开政府信息和不予公开政府信息的情况", "requests"),
        ("依申请公开政府信息、部分公开和不予公开政府信息情况", "requests"),
        ("主动公开政府信息的情况及公开平台建设", "proactive"),
        ("政府信息公开咨询情况", "requests"),
        ("政府信息公开咨询、申请及答复情况", "requests"),
        ("本年度政府信息公开工作的基本情况", "overview"),
        ("政府信息公开工作存在的主要问题及改进措施", "problems"),
        # department-specific parts
        ("政府信息公开申诉和举报情况", "appeals"),
        ("因政府信息公开申请提起行政复议、行政诉讼和申诉的情况", "appeals"),
        ("行政审批事项办理情况", "other"),
        ("办理人大代表建议和政协委员提案情况", "other"),
        ("政府信息公开工作人员和经费情况", "other"),
        ("機構建設和保障經費", "other"),
        ("完全无关的标题", "other"),
        ("", "other"),
    ],
)
def test_canonical_key(heading: str, key: str) -> None:
    assert canonical_key(heading) == key


def test_every_keyword_of_the_mapping_table() -> None:
    """Each row's keywords, inside an ordinary heading, give the row's key; a keyword that contains an
    earlier row's keyword belongs to that earlier row (the table is read in order)."""
    from gongkai.vocabulary import _SECTION_TABLE

    for i, (key, keywords, _aliases) in enumerate(_SECTION_TABLE):
        for word in keywords:
            earlier = [k for k, words, _ in _SECTION_TABLE[:i] if any(w in word for w in words)]
            want = earlier[0] if earlier else key
            assert canonical_key(f"政府信息公开{word}情况") == want, word


def test_labels_cover_every_key() -> None:
    assert tuple(SECTION_LABELS) == SECTION_KEYS
    assert section_label("requests") == "依申请公开"
    assert section_label("appeals") == "复议诉讼"


# --- resolve_section --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "key"),
    [
        *((k, k) for k in SECTION_KEYS),
        ("REQUESTS", "requests"),
        (" Appeals ", "appeals"),
        ("ｆｅｅｓ", "fees"),
        ("依申请公开", "requests"),
        ("申请", "requests"),
        ("依申請公開", "requests"),
        ("主动公开", "proactive"),
        ("复议", "appeals"),
        ("诉讼", "appeals"),
        ("行政复议", "appeals"),
        ("行政诉讼", "appeals"),
        ("收费", "fees"),
        ("减免", "fees"),
        ("概述", "overview"),
        ("总体情况", "overview"),
        ("基本情况", "overview"),
        ("问题", "problems"),
        ("改进", "problems"),
        ("其他", "other"),
        ("因政府信息公开申请提起行政复议", "appeals"),
        ("政府信息公开的收费及减免情况", "fees"),
    ],
)
def test_resolve_section(value: str, key: str) -> None:
    assert resolve_section(value) == key


@pytest.mark.parametrize("value", ["bogus", "", "标题", "1"])
def test_resolve_section_unknown(value: str) -> None:
    with pytest.raises(UnknownSectionError) as info:
        resolve_section(value)
    assert str(info.value) == (
        f"没有章节 {value!r}：请用 overview、proactive、requests、fees、appeals、problems、other 之一（或 依申请公开、复议 …）"
    )


@pytest.mark.lang("en")
def test_resolve_section_unknown_in_english() -> None:
    with pytest.raises(UnknownSectionError) as info:
        resolve_section("bogus")
    assert str(info.value) == ("unknown section 'bogus': use one of overview, proactive, requests, fees, appeals, "
                               "problems, other (or 依申请公开, 复议 …)")
    assert isinstance(info.value, UsageError)


# --- the real seed report (skipped outside the shared workspace) ------------------------------

@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="shared seed folder not present")
def test_seed_report() -> None:
    path = SEED_DIR / "000_d5ce5f19a4ad4817.txt"
    if not path.exists():
        pytest.skip("seed report not present")
    sections = split_sections(path.read_text(encoding="utf-8"))
    assert [(s.number, s.key) for s in sections] == [
        ("", "overview"), ("一", "overview"), ("二", "overview"), ("三", "proactive"), ("四", "proactive"),
        ("五", "requests"), ("六", "appeals"), ("七", "problems")]
    assert sections[2].subheadings == ["加强组织领导", "强化监督考核", "注重队伍建设"]
    assert "一是积极推进政务运行全过程公开" in sections[-1].text
