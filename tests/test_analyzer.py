"""Golden token lists pin the analyzer: positions ordinal, offsets exact, sub-words at the same position."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.index.analysis import ChineseTokenizer, ExactTokenizer, exact_value, query_terms, tokens
from gongkai.index.segment import get_segmenter

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def test_golden_tokens_with_subwords() -> None:
    text = "中华人民共和国政府信息公开条例（２０１９年）依申请公开 XM02100-0101"
    assert list(tokens(text)) == [
        (0, "中华人民共和国", 0, 7), (0, "人民共和国", 2, 7), (0, "中华人民", 0, 4), (0, "共和国", 4, 7),
        (0, "中华", 0, 2), (0, "华人", 1, 3), (0, "人民", 2, 4), (0, "共和", 4, 6),
        (1, "政府信息公开", 7, 13), (1, "信息公开", 9, 13), (1, "政府", 7, 9), (1, "信息", 9, 11), (1, "公开", 11, 13),
        (2, "条例", 13, 15),
        (3, "2019", 16, 20), (4, "年", 20, 21),
        (5, "依申请公开", 22, 27), (5, "依申请", 22, 25), (5, "申请", 23, 25), (5, "公开", 25, 27),
        (6, "xm02100", 28, 35), (7, "0101", 36, 40),
    ]


def test_query_terms_are_precise_without_subwords() -> None:
    assert query_terms("政府信息公开工作年度报告") == ["政府信息公开工作年度报告"]
    assert query_terms("本年度收到行政复议申请") == ["本年度", "收到", "行政复议", "申请"]
    assert query_terms("，。！") == []


def test_positions_are_ordinal_and_skip_punctuation() -> None:
    main = [(p, w) for p, w, s, e in tokens("一、概述。本机关，依申请公开！", subwords=False)]
    assert main == [(0, "一"), (1, "概述"), (2, "本"), (3, "机关"), (4, "依申请公开")]


def test_offsets_point_into_the_original_text_when_normalisation_changes_length() -> None:
    # "㈠" becomes "(一)" under NFKC: three characters for one.
    text = "㈠主动公开情况"
    for _, word, s, e in tokens(text, subwords=False):
        assert text[s:e] == word or word == "一"
    words = [w for _, w, _, _ in tokens(text, subwords=False)]
    assert "主动公开" in words


def test_nfkc_and_lower_case() -> None:
    assert [w for _, w, _, _ in tokens("ＡＢＣ１２３ Gov", subwords=False)] == ["abc123", "gov"]


def test_whoosh_tokenizer_sets_positions_and_chars() -> None:
    ana = ChineseTokenizer()
    toks = [(t.text, t.pos, t.startchar, t.endchar) for t in ana("收到信息公开申请", positions=True, chars=True)]
    assert toks == [
        ("收到", 0, 0, 2),
        ("信息公开申请", 1, 2, 8), ("信息公开", 1, 2, 6), ("信息", 1, 2, 4), ("公开", 1, 4, 6), ("申请", 1, 6, 8),
    ]
    query_mode = [t.text for t in ana("收到信息公开申请", mode="query")]
    assert query_mode == ["收到", "信息公开申请"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("青政办发〔2021〕9号", "青政办发〔2021〕9号"),
        ("青政办发[2021]9号", "青政办发〔2021〕9号"),
        ("青政办发﹝2021﹞9号", "青政办发〔2021〕9号"),
        ("青政办发（2021）9号", "青政办发〔2021〕9号"),
        (" XM02100-0101-2019-00001 ", "xm02100-0101-2019-00001"),
        ("005267169 / 2016-00001", "005267169/2016-00001"),
    ],
)
def test_exact_values(value: str, expected: str) -> None:
    assert exact_value(value) == expected
    assert [t.text for t in ExactTokenizer()(value)] == [expected]


def test_rjieba_and_jieba_agree_on_chinese() -> None:
    text = ("本年度共收到政府信息公开申请135件，其中予以公开89件，部分公开12件，不予公开6件。"
            "因政府信息公开申请提起行政复议2件、行政诉讼1件。全面推进决策、执行、管理、服务、结果公开。")
    runs = re.findall("[\u4e00-\u9fff]+", text)
    ref = [w for r in runs for w in get_segmenter("jieba").cut(r)]
    fast = [w for r in runs for w in get_segmenter("rjieba").cut(r)]
    assert ref == fast


@pytest.mark.skipif(not SEED.is_dir(), reason="../shared/seed is not present")
def test_rjieba_and_jieba_agree_on_the_seed_report() -> None:
    for f in SEED.glob("*.txt"):
        runs = re.findall("[\u4e00-\u9fff]+", f.read_text("utf-8"))
        assert [w for r in runs for w in get_segmenter("jieba").cut(r)] == [
            w for r in runs for w in get_segmenter("rjieba").cut(r)
        ]


@pytest.mark.parametrize("text", [
    "中华人民共和国政府信息公开条例，2019年度ABC公开。依申请公开xm02100-0101号",
    "一、概述\n二、主动公开政府信息情况 本机关全年主动公开政府信息1200条",
    "abc def 123", "", "，。；", "公开" * 50,
])
def test_one_segmenter_call_cuts_every_run_as_on_its_own(text: str) -> None:
    from gongkai.index.analysis import _RUN, _token_lists_per_run, normalize, token_lists

    norm = normalize(text)
    runs = [(m.start(), m.end(), m.lastgroup == "han") for m in _RUN.finditer(norm)]
    for subwords in (True, False):
        assert token_lists(norm, subwords) == _token_lists_per_run(norm, runs, subwords)
