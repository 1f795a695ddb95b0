"""decode_bytes and mojibake repair: BOM, header, detection, lying declarations, truncation."""

from __future__ import annotations

import codecs

import pytest

from gongkai.extract import decode_bytes
from gongkai.extract.encoding import meta_charsets, normalize_label, repair_mojibake

TEXT = "青溪区2019年政府信息公开工作年度报告"


def test_bom_wins_over_header():
    data = codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert decode_bytes(data, {"Content-Type": "text/html; charset=gbk"}) == (TEXT, "utf-8")


def test_utf16_bom():
    text, enc = decode_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    assert text == TEXT and enc == "utf-16-le"


def test_header_charset_used():
    text, enc = decode_bytes(TEXT.encode("gbk"), {"content-type": "text/html; charset=GBK"})
    assert text == TEXT and enc == "gb18030"


def test_header_gb2312_but_bytes_utf8():
    text, enc = decode_bytes(TEXT.encode("utf-8"), {"Content-Type": "text/html;charset=gb2312"})
    assert (text, enc) == (TEXT, "utf-8")


def test_meta_gb2312_but_bytes_utf8():
    data = f'<meta charset="gb2312"><title>{TEXT}</title>'.encode()
    assert TEXT in decode_bytes(data)[0]


def test_meta_declares_both_gbk_and_gb2312():
    data = (
        f'<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        f'<meta charset="gb2312"><p>{TEXT}</p>'
    ).encode("gbk")
    assert meta_charsets(data) == ["gb18030"]
    text, enc = decode_bytes(data)
    assert TEXT in text and enc == "gb18030"


def test_gb18030_only_characters():
    s = TEXT + "㐀䶵"  # CJK extension A: in GB18030, not in GBK
    assert decode_bytes(s.encode("gb18030"))[0] == s


def test_truncated_gbk_tail_does_not_crash():
    data = TEXT.encode("gbk")[:-1]
    text, enc = decode_bytes(data)
    assert enc == "gb18030"
    assert text.startswith(TEXT[:-1])


def test_truncated_utf8_tail():
    text, enc = decode_bytes(TEXT.encode("utf-8")[:-2])
    assert enc == "utf-8" and text.startswith(TEXT[:-1])


def test_dirty_gbk_in_the_middle():
    data = TEXT.encode("gbk") * 20 + b"\xff" + TEXT.encode("gbk") * 20
    text, enc = decode_bytes(data)
    assert enc == "gb18030" and text.count(TEXT) == 40


def test_big5_hint():
    s = "青溪區政府資訊公開年報"
    data = b'<meta charset="big5">' + s.encode("big5")
    assert s in decode_bytes(data)[0]


@pytest.mark.parametrize(
    "label,name", [("GB2312", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"), ("nonsense", None)]
)
def test_normalize_label(label, name):
    assert normalize_label(label) == name


def _mangle(s: str) -> str:
    return s.encode("utf-8").decode("gb18030", errors="replace")


def test_mojibake_repaired():
    garbled = _mangle("政府信息公开指南")
    assert repair_mojibake(garbled + "\n正文") == "政府信息公开指南\n正文"


def test_mojibake_with_lost_byte_is_mostly_repaired():
    fixed = repair_mojibake(_mangle(TEXT).replace("\ufffd", "?"))
    assert "政府信息公" in fixed and "年度报告" in fixed


def test_ordinary_and_traditional_text_untouched():
    text = "白沙县财政局关于印发《2020年政务公开工作要点》的通知\n一、總體情況"
    assert repair_mojibake(text) == text


def test_only_top_lines_checked():
    body = "\n".join(["正文"] * 20 + [_mangle("政府信息")])
    assert repair_mojibake(body) == body


@pytest.mark.parametrize("text", ["", "abc 2019", TEXT, _mangle(TEXT), "一、總體情況 繁體字", "鍩縀" * 3 + "公开",
                                  "a\u4e00\U00020000\u9fff"])
def test_rare_share_counts_cjk_outside_gb2312(text):
    from gongkai.extract.encoding import _rare_share

    def in_gb2312(ch: str) -> bool:
        try:
            ch.encode("gb2312")
            return True
        except UnicodeEncodeError:
            return False

    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    expected = sum(not in_gb2312(c) for c in cjk) / len(cjk) if cjk else 0.0
    assert _rare_share(text) == pytest.approx(expected)


def test_mojibake_repair_of_a_whole_report_on_one_line():
    line = "，".join(["本机关全年主动公开政府信息1200条"] * 4000)  # 60k characters, no line break
    assert repair_mojibake(line) == line
    garbled = _mangle("政府信息公开指南")
    assert repair_mojibake(garbled + "\n" + line) == "政府信息公开指南\n" + line
