"""Text clean-up shared by the HTML, plain-text, PDF and DOCX paths.

Text is stored NFKC-normalised: full-width ``，（）：`` become ASCII, ideographic spaces become spaces, so
headings and labels match however the source typed them, and the text stays readable.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200f\u2028\u2029\ud800-\udfff]")
_SPACE_RE = re.compile(r"[ \t\r\f\v\xa0]+")


def normalize(text: str, nfkc: bool = True) -> str:
    """No NUL/control characters or lone surrogates, "\\n" line ends, and NFKC unless `nfkc` is False
    (index values such as 文号 are kept exactly as written: 临政办发﹝2020﹞15号)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text)
    return unicodedata.normalize("NFKC", text) if nfkc else text


def clean_line(line: str) -> str:
    """Collapse runs of spaces inside a line and strip it."""
    return _SPACE_RE.sub(" ", line).strip()


def clean_lines(text: str) -> list[str]:
    """Non-empty, whitespace-collapsed lines."""
    return [c for c in (clean_line(x) for x in text.split("\n")) if c]


# Page chrome that survives markup removal, or sits in plain-text copies of pages. Only short lines
# are tested, so a body paragraph that mentions 打印 is never dropped.
_CHROME_RE = re.compile(
    r"^(?:"
    r"(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置)\s*[:：>].*"
    r"|.*(?<![文老])(?:字号|字体大小|字体)\s*[:：]?\s*[【\[(]?\s*(?:大|中|小|$).*"
    r"|[【\[(]?\s*大\s*中\s*小\s*[】\])]?"
    r"|.*(?:浏览次数|访问次数|阅读次数|点击数|点击量|浏览量|阅读量|访问量).*"
    r"|(?:发布时间|发布日期|信息来源|来源|作者|编辑|责任编辑|供稿)\s*[:：].*"
    r"|.*(?:无障碍浏览|长者模式|关怀模式|适老化|无障碍阅读)"
    r"|.*分享到\s*[:：]?"
    r"|(?:[【\[]?\s*(?:打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|返回顶部|收藏|保存|纠错|我要纠错|回到顶部)\s*[】\]]?\s*)+"
    r"|(?:登录|注册|用户登录|个人登录|法人登录|退出)(?:\s*[|/]\s*(?:登录|注册|退出))*"
    r"|(?:扫一扫|微信扫一扫|扫码)(?:在手机)?(?:打开当前页|分享|阅读)?.*"
    r"|(?:上一篇|下一篇)\s*[:：]?.*"
    r")$"
)
_MAX_CHROME_LEN = 60


def is_chrome(line: str) -> bool:
    """True for a page-chrome line: breadcrumbs, font-size switch, print/close, counters, share, login."""
    line = line.strip()
    if not line or len(line) > _MAX_CHROME_LEN:
        return False
    return bool(_CHROME_RE.match(simplify(line)))


def strip_chrome(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_chrome(line)]


def looks_binary(text: str) -> bool:
    """Decoded text that is really binary: replacement characters or control bytes throughout."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for c in sample if c == "\ufffd" or (ord(c) < 32 and c not in "\n\r\t\f\v"))
    # A few stray bytes (NUL, a lone surrogate) are dirt; binary data has them everywhere.
    return bad >= 16 and bad / len(sample) > 0.05


def _words(text: str) -> list[str]:
    return text.split()


# Traditional → simplified for the characters that occur in titles, labels and date sentences we match
# (mirror sites serve traditional text). One character for one, so string positions are kept.
_TRAD = dict(
    pair.split(":")
    for pair in _words(
        "報:报 開:开 資:资 訊:讯 讀:读 辦:办 規:规 實:实 條:条 細:细 點:点 見:见 統:统 計:计 數:数 據:据 時:时 間:间 "
        "區:区 縣:县 機:机 關:关 構:构 號:号 類:类 發:发 來:来 鄉:乡 鎮:镇 務:务 業:业 會:会 與:与 為:为 門:门 戶:户 "
        "網:网 當:当 處:处 導:导 級:级 單:单 應:应 復:复 訴:诉 況:况 總:总 題:题 體:体 劃:划 範:范 圍:围 審:审 議:议 "
        "決:决 組:组 織:织 領:领 廳:厅 員:员 監:监 錄:录 頁:页 覽:览 衛:卫 環:环 財:财 稅:税 農:农 產:产 經:经 濟:济 "
        "貿:贸 質:质 檢:检 測:测 園:园 場:场 庫:库 設:设 備:备 書:书 記:记 調:调 興:兴 歷:历 認:认 證:证 說:说 "
        "明:明 觀:观 聯:联 繫:系 啟:启 態:态 權:权 責:责 無:无 陽:阳 陰:阴 溝:沟 灣:湾 東:东 廣:广 雲:云 義:义 "
        "遼:辽 寧:宁 龍:龙 蘇:苏 漢:汉 華:华 貴:贵 豐:丰 嶺:岭 區:区 莊:庄 橋:桥 馬:马 鳳:凤 長:长 沖:冲 "
        "億:亿 萬:万 簡:简 項:项 轉:转 結:结 續:续 辦:办 復:复 禮:礼 愛:爱 學:学 醫:医 藥:药 衆:众 眾:众 "
        "並:并 後:后 於:于 個:个 們:们 這:这 對:对 將:将 從:从 並:并 屬:属 響:响 樣:样 準:准 際:际 讓:让 "
        "瀏:浏 閉:闭 擊:击 閱:阅 訪:访 問:问 錯:错 離:离 顯:显 獲:获 費:费 減:减 號:号 碼:码 標:标 識:识 鐘:钟 週:周 歲:岁 屆:届 辭:辞 現:现 佈:布"
    )
)
_TRAD_TABLE = str.maketrans(_TRAD)


# (the characters the table changes: 明 maps to itself, and would have every text translated)
_TRAD_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c, to in _TRAD_TABLE.items() if to != chr(c)) + "]")


def simplify(text: str) -> str:
    """Traditional characters we match on → simplified, one for one (positions unchanged)."""
    return translate_found(text, _TRAD_CHARS, _TRAD_TABLE)


def translate_found(text: str, chars: re.Pattern[str], table: dict[int, Any]) -> str:
    """``text.translate(table)``, ``chars`` matching the characters the table changes. Looking for them
    is a scan in C, and so is replacing each of a few found; translating looks every character up in a
    dict (0.7 ms for a report of 4000 characters holding one such character, as simplified text can:
    覆 is both a traditional form of 复 and a simplified character of its own)."""
    found = set(chars.findall(text))
    if not found:
        return text
    if len(found) > 8:  # (each replace is a pass over the text: past a few, one translate is cheaper)
        return text.translate(table)
    for c in found:
        text = text.replace(c, c.translate(table))
    return text


# --- text copied out of tables and PDFs --------------------------------------------------------

_LONG_LINE = 300
_BREAK_BEFORE_RE = re.compile(
    r"\s+(?=(?:[一二三四五六七八九十]{1,3}\s*[、.]|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]+[条章]|"
    r"\d{1,2}\s*[.、](?!\d)|附件\s*[:：]|附表))"
)
# The title at the head of a text that lost its line breaks: it ends with a title word and is followed by
# a space, page info (发布时间…), the first heading or the report's first sentence.
_TITLE_HEAD_RE = re.compile(
    r"^(.{4,80}?(?:报告|報告|通知|公告|通告|公示|意见|办法|规定|方案|解读|指南|要点|条例|细则|公报|总结|说明))"
    r"(?:\s+|$|(?=发布时间|发布日期|公开日期|来源|索引号|本报告|根据|按照|依据|为|现将|一\s*[、.]|[(（]一[)）]))"
)


_INFO_HEAD_RE = re.compile(
    r"^((?:发布时间|发布日期|公开日期|时间|日期)\s*[:：]?\s*[\[【]?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[\]】]?"
    r"(?:\s+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2})?分?)?)\s*(\S.*)$"
)


def unflatten(lines: list[str]) -> list[str]:
    """Split a whole report pasted on one line back into lines: the title and page info off its head, then
    before each numbered heading or item that follows a space (text without spaces is cut at sentence ends
    by the section splitter)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if len(line) <= _LONG_LINE:
            out.append(line)
            continue
        if i == 0:
            m = _TITLE_HEAD_RE.match(line)
            if m:
                out.append(m.group(1))
                line = line[m.end() :]
        m = _INFO_HEAD_RE.match(line.strip())
        if m:
            # "发布时间:2023-01-31 09:00 本报告…": page info, then the text.
            out.append(m.group(1))
            line = m.group(2)
        out.extend(x.strip() for x in _BREAK_BEFORE_RE.split(line) if x.strip())
    return out
    return out


# Column headers of the statistics tables that text extraction breaks inside the word ("商业\n企业").
_TABLE_TERMS = frozenset(
    _words(
        "商业企业 科研机构 社会公益组织 法律服务机构 法人或其他组织 本年新制作数量 本年新公开数量 对外公开总数量 "
        "上一年项目数量 本年增/减 处理决定数量 本年制发件数 本年废止件数 现行有效件数 本年处理决定数量 结果维持 "
        "结果纠正 其他结果 尚未审结 未经复议直接起诉 复议后起诉 申请人情况 信息内容 行政规范性文件 规范性文件 "
        "本年收费金额 行政事业性收费 行政许可 行政处罚 行政强制 政府集中采购"
    )
)


def join_broken_cells(lines: list[str]) -> list[str]:
    """Rejoin consecutive short lines that together spell a known table header ("商业" + "企业")."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            len(line) <= 8
            and i + 1 < len(lines)
            and len(lines[i + 1]) <= 8
            and line + lines[i + 1] in _TABLE_TERMS
        ):
            out.append(line + lines[i + 1])
            i += 2
            continue
        out.append(line)
        i += 1
    return out


_CJK_SPACE_RE = re.compile(
    r"(?<=[\u3400-\u9fff\d])\s+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\s+(?=[\d\u3400-\u9fff])"
)


def tidy_title(title: str) -> str:
    """Remove stray spaces inside a Chinese title ("2019年 政府信息公开…")."""
    return _CJK_SPACE_RE.sub("", clean_line(title))


# --- comparing texts ---------------------------------------------------------------------------

_SHINGLE = 4
_COMPARE_CHARS = 50_000
_NOT_WORD_RE = re.compile(r"[\W_]+")


def _shingles(text: str) -> set[str]:
    t = _NOT_WORD_RE.sub("", unicodedata.normalize("NFKC", text[:_COMPARE_CHARS]))
    return {t[i : i + _SHINGLE] for i in range(max(0, len(t) - _SHINGLE + 1))}


def text_overlap(a: str, b: str) -> float:
    """How much of the shorter text the other one also holds (0…1), over 4-character shingles without
    spaces and punctuation: an HTML report and its PDF copy score near 1 whatever their line breaks."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))
