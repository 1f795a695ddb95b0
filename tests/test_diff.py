"""Word-level diffs of Chinese text and metadata changes between document versions."""

from __future__ import annotations

from gongkai.diff import diff_text, document_text, meta_changes, what_changed, words


def test_words_follow_the_segmenter_and_cover_the_text() -> None:
    text = "本年度共收到政府信息公开申请12件，ABC 测试。"
    assert words(text) == ["本年度", "共", "收到", "政府信息公开", "申请", "12", "件", "，", "ABC", " ", "测试", "。"]
    assert "".join(words(text)) == text


def test_an_edited_figure_and_a_reworded_phrase_are_whole_words() -> None:
    old = "一、总体情况\n本年度共收到政府信息公开申请12件，均按期答复。\n二、其他\n无。"
    new = "一、总体情况\n本年度共收到政府信息公开申请21件，大部分按期答复。\n二、其他\n无。"
    d = diff_text(old, new)
    assert d.runs == [("equal", "一、总体情况\n本年度共收到政府信息公开申请"), ("delete", "12"), ("insert", "21"),
                      ("equal", "件，"), ("delete", "均"), ("insert", "大部分"), ("equal", "按期答复。\n二、其他\n无。")]
    assert (d.added, d.removed, d.changed) == (2, 2, True)


def test_punctuation_alone_counts_no_word_and_equal_texts_have_no_change() -> None:
    d = diff_text("主动公开信息三百条。", "主动公开信息三百条！")
    assert d.runs == [("equal", "主动公开信息三百条"), ("delete", "。"), ("insert", "！")]
    assert (d.added, d.removed, d.changed) == (0, 0, False)
    assert diff_text("同样的文字", "同样的文字").runs == [("equal", "同样的文字")]


def test_long_unchanged_text_is_cut_around_the_change() -> None:
    same = "依申请公开" * 40
    d = diff_text(same + "甲。\n" + same, same + "乙。\n" + same)
    hunks = d.hunks(context=10)
    assert [op for op, _ in hunks] == ["skip", "equal", "delete", "insert", "equal", "skip"]
    assert hunks[1] == ("equal", same[-10:]) and hunks[2] == ("delete", "甲") and hunks[3] == ("insert", "乙")


def test_metadata_and_what_changed() -> None:
    old = {"title": "某局2019年报", "published": "2020-01-15", "doc_no": "青政发〔2020〕1号", "sections": [
        {"number": "一", "heading": "总体情况", "text": "全年公开信息三百条。"}], "attachments": [{"url": "http://a/1.pdf"}]}
    new = dict(old, title="某局2019年报（修订）", doc_no="青政发〔2020〕2号")
    assert meta_changes(old, new) == [("title", "标题", "某局2019年报", "某局2019年报（修订）"),
                                      ("doc_no", "文号", "青政发〔2020〕1号", "青政发〔2020〕2号")]
    assert what_changed(old, new) == ["title", "doc_no"]
    moved = dict(old, sections=[{"number": "一", "heading": "总体情况", "text": "全年公开信息四百条。"}], attachments=[])
    assert what_changed(old, moved) == ["text", "attachments"]
    assert document_text(old) == "一、总体情况\n全年公开信息三百条。"
