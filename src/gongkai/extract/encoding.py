"""Bytes to text for disclosure pages whose declared encodings often lie.

Order of trust (see FORMATS.md, "Encodings and dirt"): a BOM, then the HTTP Content-Type charset (unless
the bytes plainly contradict it), then detection over the bytes — strict UTF-8, then GB18030 when it
decodes cleanly, then charset-normalizer. A ``<meta charset>`` is only a hint. GB2312 and GBK labels are
decoded as GB18030, their superset, because sites label GBK pages "gb2312".
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_LABELS = {
    "gb2312",
    "gbk",
    "gb18030",
    "cp936",
    "ms936",
    "x-gbk",
    "gb_2312",
    "gb_2312-80",
    "euc-cn",
    "hz-gb-2312",
}
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET_RE = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
# A decode error this close to the end is a truncated last character, not a wrong encoding.
_TRUNCATION_SLACK = 4


def normalize_label(label: str) -> str | None:
    """A Python codec name for a charset label, GB family mapped to gb18030; None when unknown."""
    label = label.strip().strip("\"'").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_LABELS else name


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset of a Content-Type header (any key case), normalised."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and value:
            m = _CHARSET_RE.search(value)
            if m:
                return normalize_label(m.group(1))
    return None


def meta_charsets(data: bytes) -> list[str]:
    """Charsets declared by meta tags in the first 4 KB (pages sometimes declare two)."""
    found: list[str] = []
    for m in _META_CHARSET_RE.finditer(data[:4096]):
        name = normalize_label(m.group(1).decode("ascii", "replace"))
        if name and name not in found:
            found.append(name)
    return found


def _decodes_cleanly(data: bytes, encoding: str) -> bool:
    """True when `data` decodes under `encoding`, tolerating a character cut off at the very end."""
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError as err:
        return err.start >= len(data) - _TRUNCATION_SLACK and _tail_only(data, encoding, err.start)
    except LookupError:
        return False


def _tail_only(data: bytes, encoding: str, start: int) -> bool:
    try:
        data[:start].decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _is_ascii(data: bytes) -> bool:
    return data.isascii()


def decode_bytes(data: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode page bytes; return (text, encoding used). Never raises on bad bytes."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    declared = header_charset(headers)
    # A GB label on bytes that are valid, non-ASCII UTF-8 is a lie: real GBK text is practically
    # never valid UTF-8.
    lying_gb = declared == "gb18030" and not _is_ascii(data) and _decodes_cleanly(data, "utf-8")
    if declared and not lying_gb and _decodes_cleanly(data, declared):
        return data.decode(declared, errors="replace"), declared
    if _decodes_cleanly(data, "utf-8"):
        return data.decode("utf-8", errors="replace"), "utf-8"
    hints = meta_charsets(data)
    # GB18030 accepts most Big5 byte strings too, so a Big5 hint that fits is tried first.
    for hint in hints:
        if (
            hint not in ("utf-8", "gb18030")
            and hint.startswith(("big5", "cp950"))
            and _decodes_cleanly(data, hint)
        ):
            return data.decode(hint, errors="replace"), hint
    if _decodes_cleanly(data, "gb18030"):
        return data.decode("gb18030", errors="replace"), "gb18030"
    for hint in hints:
        if hint not in ("utf-8", "gb18030") and _decodes_cleanly(data, hint):
            return data.decode(hint, errors="replace"), hint
    return _decode_dirty(data, declared, hints)


def _decode_dirty(data: bytes, declared: str | None, hints: list[str]) -> tuple[str, str]:
    """No encoding fits exactly: pick the one with the fewest replacement characters."""
    candidates = ["utf-8", "gb18030"]
    for extra in [declared, *hints]:
        if extra and extra not in candidates:
            candidates.append(extra)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None:
            name = normalize_label(best.encoding)
            if name and name not in candidates:
                candidates.append(name)
    except Exception:  # noqa: BLE001 - detection is best effort; the fallbacks below still decode
        pass
    scored: list[tuple[int, int, str, str]] = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name, errors="replace")
        except LookupError:
            continue
        scored.append((text.count("\ufffd"), rank, name, text))
    scored.sort()
    _, _, name, text = scored[0]
    return text, name


# --- mojibake: UTF-8 bytes once read as GBK and saved again as UTF-8 -------------------------------

_RUN_RE = re.compile(r"[^\x00-\x7f]+(?:[\x21-\x7e][^\x00-\x7f]+)*\??")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUNS = re.compile(r"[\u4e00-\u9fff]+")


def _rare_share(s: str) -> float:
    """Share of CJK characters outside GB2312: near 0 for ordinary simplified text, high for mojibake.

    Counted in C, not character by character: every CJK character GB2312 has encodes to two bytes, and
    the ones it lacks are dropped by ``errors="ignore"`` (a whole report on one line used to cost
    a Python call per character)."""
    cjk = "".join(_CJK_RUNS.findall(s))
    if not cjk:
        return 0.0
    return (len(cjk) - len(cjk.encode("gb2312", errors="ignore")) // 2) / len(cjk)


def _unmangle(run: str) -> str | None:
    """The original text of a mojibake run, or None when the run is not mojibake.

    A UTF-8 character cut in half shows up as U+FFFD or "?" in the garbled run; the run is decoded
    piece by piece around those, and the half character is lost.
    """
    pieces: list[str] = []
    for piece in re.split(r"[\ufffd?]", run):
        try:
            pieces.append(piece.encode("gb18030").decode("utf-8", errors="replace"))
        except UnicodeEncodeError:
            return None
    fixed = "".join(pieces)
    bad = fixed.count("\ufffd")
    # Ordinary Chinese text re-encoded this way is almost never valid UTF-8, so a run that mostly
    # decodes into common characters really was mojibake.
    if len(_CJK_RE.findall(fixed)) < 2 or bad > len(pieces) + len(fixed) // 8:
        return None
    fixed = fixed.replace("\ufffd", "")
    if len(fixed) >= len(run) or _rare_share(fixed) > 0.2:
        return None
    return fixed


def repair_mojibake(text: str, top_lines: int = 12) -> str:
    """Repair mojibake runs in the first non-empty lines of `text`; drop lines there that stay garbled."""
    out: list[str] = []
    checked = 0
    for line in text.split("\n"):
        if checked < top_lines and line.strip():
            checked += 1
            line = _repair_line(line)
            if line == _DROP:
                continue
        out.append(line)
    return "\n".join(out)


_DROP = "\x00drop"


def _repair_line(line: str) -> str:
    if _rare_share(line) < 0.3:
        return line

    def fix(m: re.Match[str]) -> str:
        fixed = _unmangle(m.group(0))
        return fixed if fixed is not None else m.group(0)

    repaired = _RUN_RE.sub(fix, line)
    if _rare_share(repaired) < 0.3:
        return repaired
    # Still garbled. Traditional-character text (mirror sites) is also outside GB2312 but encodes as Big5.
    try:
        repaired.encode("big5")
        return repaired
    except UnicodeEncodeError:
        return _DROP
