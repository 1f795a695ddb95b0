"""Dates and years in every format of FORMATS.md; garbled dates give None."""

from __future__ import annotations

import pytest

from gongkai.extract import dates


@pytest.mark.parametrize(
    "text,iso",
    [
        ("2019-01-04 10:25", "2019-01-04"),
        ("2015-11-10 01:51:51", "2015-11-10"),
        ("发布日期:[2021-01-28]", "2021-01-28"),
        ("2024年04月06日 16:40", "2024-04-06"),
        ("2020年08月02日", "2020-08-02"),
        ("发布时间:2020-06-29 10时59分", "2020-06-29"),
        ("2021/3/5", "2021-03-05"),
        ("2021.03.05", "2021-03-05"),
        ("二〇一一年五月十六日", "2011-05-16"),
        ("二O一一年五月十六日", "2011-05-16"),
        ("二〇二〇年十二月三十一日", "2020-12-31"),
        ("二〇一九年十月一日", "2019-10-01"),
        ("201-01-28", None),
        ("2019-13-01", None),
        ("2019-02-30", None),
        ("2019年1月", None),
        ("", None),
    ],
)
def test_parse_date(text, iso):
    assert dates.parse_date(text) == iso


def test_garbled_first_date_is_not_replaced_by_a_later_one():
    assert dates.parse_date("2019-02-31 见2018-01-01") is None


def test_page_date_labels():
    assert dates.page_date("首页 > 年报\n浏览次数:发布时间:2018-01-18 00:00") == "2018-01-18"
    assert dates.page_date("来源:青溪区 发布日期:[2021-01-28] 【打印】") == "2021-01-28"
    assert dates.page_date("没有日期") is None
    assert dates.page_date("来源:青溪区 时间:2021-06-03") == "2021-06-03"
    # a bare 时间/日期 inside a sentence is no page label
    assert dates.page_date("二、登记时间：即日起至2020年12月31日。") is None


@pytest.mark.parametrize(
    "line,alone",
    [("2021-06-03 09:12", True), ("[2021-01-28]", True), ("二〇一九年十一月二十日", True), ("二O二O年十二月八日", True),
     ("2022年1月27日", True), ("2022-04-20 10:30 南屏市科学技术局", False), ("截至2020年12月31日", False)],
)
def test_is_date_line(line, alone):
    assert dates.is_date_line(line) is alone


def test_date_beside_the_title():
    lines = ["首页 > 通知公告", "江北省发改委关于做好迎峰度夏工作的通知", "2021-06-03 09:12", "江北省发改委", "各市州："]
    assert dates.date_beside(lines, "江北省发改委关于做好迎峰度夏工作的通知") == "2021-06-03"
    info = ["关于开展科技奖提名的通知", "2022-04-20 10:30 南屏市科学技术局", "各县科技局："]
    assert dates.date_beside(info, "关于开展科技奖提名的通知") == "2022-04-20"
    # dates far from the title (a sidebar list) do not count
    far = ["关于开展科技奖提名的通知", "各县科技局：", "正文第一段。", "正文第二段。", "2022-04-20"]
    assert dates.date_beside(far, "关于开展科技奖提名的通知") is None


@pytest.mark.parametrize(
    "url,iso",
    [
        ("http://x.gov.cn/xxgk/201901/t20190111_182924.htm", "2019-01-11"),
        ("http://x.gov.cn/art/2021/1/25/art_1229_3.html", "2021-01-25"),
        ("http://x.gov.cn/zfxxgk/20230331/abc.html", "2023-03-31"),
        ("http://x.gov.cn/zhengce/content/2021-06/03/content_5615432.htm", "2021-06-03"),
        ("http://x.gov.cn/zwgk/202106/03/art_1.html", "2021-06-03"),
        ("http://x.gov.cn/news/2021/6/3/1234.html", "2021-06-03"),
        ("http://x.gov.cn/news/2021/0603/1234.html", "2021-06-03"),
        ("http://x.gov.cn/xxgk/202201/P020220118560912345678.pdf", "2022-01-18"),
        ("http://x.gov.cn/xxgk/201901/index.htm", None),
        ("http://x.gov.cn/t20191399_1.htm", None),
    ],
)
def test_url_date(url, iso):
    assert dates.url_date(url) == iso


def test_doc_no_year():
    assert dates.doc_no_year("厦湖府〔2019〕1号") == 2019
    assert dates.doc_no_year("冠政办发[2021]9号") == 2021
    assert dates.doc_no_year("青政发﹝2018﹞3号") == 2018
    assert dates.doc_no_year("无") is None


@pytest.mark.parametrize(
    "title,year",
    [
        ("青溪区2019年政府信息公开工作年度报告", 2019),
        ("白沙县2020年度政府信息公开工作年度报告", 2020),
        ("青溪区2019年 政府信息公开工作年度报告", 2019),
        ("政府信息公开年度报告", None),
    ],
)
def test_title_year(title, year):
    assert dates.title_year(title) == year


@pytest.mark.parametrize(
    "sentence,year",
    [
        ("本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。", 2019),
        ("本报告所列数据统计时限自2020年1月1日至2020年12月31日。", 2020),
        ("数据统计期限从2018年1月1日到2018年12月31日止。", 2018),
        ("本报告统计期为2022年1月1日至2022年12月31日。", 2022),
        ("本报告数据核定时间点为2025年12月31日。", 2025),
        ("没有统计期限的句子。", None),
    ],
)
def test_period_year(sentence, year):
    assert dates.period_year(sentence) == year
