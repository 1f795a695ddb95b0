"""Hostile documents: random and malformed bytes fed to every extractor through `extract_document`.

Guarantee: only `ExtractionError` escapes (or a Document comes back), within a time bound and a memory
bound. Hypothesis generates inputs (deterministic: derandomize=True; ~50 examples per strategy by
default, 500 with --slow): random bytes with each magic prefix (%PDF, PK zip, markup, BOMs), mutated
real PDF/DOCX/HTML files (bytes flipped, truncated, spliced), random text with lone surrogates and NUL
bytes. Handcrafted cases: HTML nested 10^5 levels, a 50 MB page, a DOCX zip bomb, a PDF whose objects
reference each other in a loop, mixed encodings in one page.
"""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relhelpers import record

from gongkai.config import settings as gk_settings
from gongkai.errors import ExtractionError
from gongkai.extract import extract_document
from gongkai.models import Document

TIME_LIMIT = 10.0  # seconds per document (the slowest legitimate file in the fixtures takes well under 1 s)
MEMORY_LIMIT = 400 * 1024 * 1024  # bytes allocated by Python at peak while extracting one document
TRIED: dict[str, int] = {}


def _examples(slow: bool) -> int:
    return 500 if slow else 50


def check(source: str, data: bytes, *, content_type: str | None = None, time_limit: float = TIME_LIMIT,
          memory: bool = False) -> Document | None:
    """Extract; only ExtractionError may escape; bounded time (and memory when asked)."""
    kind = source.rsplit(".", 1)[-1]
    TRIED[kind] = TRIED.get(kind, 0) + 1
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        doc = extract_document(source, data, content_type=content_type)
    except ExtractionError as e:
        assert str(e), "an ExtractionError without a message"
        doc = None
    finally:
        elapsed = time.perf_counter() - started
        if memory:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert peak < MEMORY_LIMIT, f"{source}: peak {peak >> 20} MB while extracting"
    assert elapsed < time_limit, f"{source}: {elapsed:.1f} s"
    if doc is not None:
        assert isinstance(doc, Document)
        doc.to_dict()  # a returned document is whole: it serialises
        for s in doc.sections:
            assert "\x00" not in s.text
    return doc


# -- seeds for mutation: small valid files ------------------------------------------------------------

HTML_SEED = ("<html><head><meta charset='utf-8'><title>青溪市财政局2019年政府信息公开工作年度报告</title></head>"
             "<body><div class='TRS_Editor'><p>一、总体情况</p><p>2019年，青溪市财政局主动公开政府信息120条。</p>"
             "<p>二、收到和处理政府信息公开申请情况</p><p>全年收到申请12件。</p>"
             "<a href='/files/a.pdf'>附件</a></div></body></html>").encode()


def _pdf_seed() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in ("Annual report 2019", "1. Overview", "Requests received: 12"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _docx_seed() -> bytes:
    import docx

    d = docx.Document()
    for p in ("青溪市财政局2019年政府信息公开工作年度报告", "一、总体情况", "全年收到申请12件。"):
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


PDF_SEED = _pdf_seed()
DOCX_SEED = _docx_seed()
SEEDS = {"html": HTML_SEED, "pdf": PDF_SEED, "docx": DOCX_SEED, "txt": "一、总体情况\n全年收到申请12件。".encode()}


@st.composite
def mutated(draw: Callable[..., Any], seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "splice", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:i + draw(st.integers(1, 4096))]
        elif op == "splice":
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
        else:
            j = draw(st.integers(i, min(len(data), i + 512)))
            data[i:i] = data[i:j] * draw(st.integers(1, 20))
    return bytes(data)


MAGICS = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html>", b"<?xml version='1.0'?>", b"\xef\xbb\xbf", b"\xff\xfe",
          b"\xfe\xff", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<!DOCTYPE html><body>", b"\x00\x00\xfe\xff"]
SOURCES = ["http://gk.example.gov.cn/a.html", "/tmp/x.pdf", "/tmp/x.docx", "/tmp/x.txt", "http://h/x.shtml",
           "http://h/down?id=1", "/tmp/x.wps", "/tmp/x.ofd"]
CTYPES = [None, "text/html", "text/html; charset=gb2312", "application/pdf", "text/plain; charset=utf-16",
          "application/octet-stream", "text/html; charset=bogus-charset"]


def _cfg(slow: bool) -> Any:
    return settings(max_examples=_examples(slow), derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_random_bytes_with_magic_prefixes(slow: bool) -> None:
    @_cfg(slow)
    @given(st.sampled_from(MAGICS), st.binary(max_size=4096), st.sampled_from(SOURCES), st.sampled_from(CTYPES))
    def run(magic: bytes, body: bytes, source: str, ctype: str | None) -> None:
        check(source, magic + body, content_type=ctype)

    run()


@pytest.mark.parametrize("kind", ["html", "pdf", "docx", "txt"])
def test_mutated_real_files(kind: str, slow: bool) -> None:
    source = f"http://gk.example.gov.cn/t/report.{kind}"

    @_cfg(slow)
    @given(mutated(SEEDS[kind]))
    def run(data: bytes) -> None:
        check(source, data)

    run()


def test_docx_with_mutated_members(slow: bool) -> None:
    """A valid zip whose word/document.xml (or another part) is garbage or hostile XML."""
    @_cfg(slow)
    @given(st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels",
                            "docProps/core.xml"]),
           st.one_of(st.binary(max_size=2048), mutated(b"<?xml version='1.0'?><w:document xmlns:w='http://"
                                                        b"schemas.openxmlformats.org/wordprocessingml/2006/main'>"
                                                        b"<w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body>"
                                                        b"</w:document>")))
    def run(member: str, payload: bytes) -> None:
        src = zipfile.ZipFile(io.BytesIO(DOCX_SEED))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                z.writestr(info.filename, payload if info.filename == member else src.read(info.filename))
        check("/tmp/m.docx", out.getvalue())

    run()


def test_text_with_surrogates_and_nul(slow: bool) -> None:
    @_cfg(slow)
    @given(st.text(alphabet=st.characters(codec=None, categories=None), max_size=600),
           st.sampled_from(["utf-8", "utf-16", "gb18030", "surrogatepass"]), st.sampled_from(SOURCES[:4] + SOURCES[4:6]))
    def run(text: str, how: str, source: str) -> None:
        text = "一、总体情况\x00\n" + text + "\ud800 lone \udfff\x00\x00NUL"
        data = (text.encode("utf-8", "surrogatepass") if how == "surrogatepass"
                else text.encode(how, "surrogatepass" if how.startswith("utf") else "replace"))
        check(source if source.endswith((".html", ".txt", ".shtml")) else source, data)

    run()


# -- handcrafted monsters ------------------------------------------------------------------------------


def test_deeply_nested_html() -> None:
    depth = 100_000
    for tag in ("div", "span", "table"):
        data = (f"<html><body><{tag}>" * depth + "一、总体情况 深层正文" + f"</{tag}>" * depth).encode()
        check(f"http://h/nested-{tag}.html", data, time_limit=5)
    # Unclosed: 10^5 opening tags and nothing else.
    check("http://h/unclosed.html", b"<html><body>" + b"<div><p>" * depth)


@pytest.mark.lang("en")  # asserts the English wording of the refusal
def test_fifty_megabyte_page(slow: bool) -> None:
    limit = gk_settings().max_document_bytes
    row = "<p>一、总体情况 全年主动公开政府信息一百二十条，收到申请十二件。</p>\n".encode()
    over = b"<html><body>" + row * (limit // len(row) + 1)
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="larger than"):
        extract_document("http://h/huge.html", over)
    assert time.perf_counter() - started < 1.0
    # Just under the cap, text-heavy (long paragraphs): extracted or refused within bounds.
    para = ("<p>" + "全年主动公开政府信息一百二十条，收到申请十二件，均按期答复。" * 200 + "</p>\n").encode()
    size = limit if slow else 10 * 1024 * 1024  # 50 MB costs ~15 s: --slow; by default a 10 MB page
    under = b"<html><body><div class='TRS_Editor'>" + para * ((size - 100) // len(para)) + b"</div></body></html>"
    assert size - len(para) - 100 <= len(under) <= limit
    started = time.perf_counter()
    check("http://h/big.html", under, time_limit=60)
    TRIED["50MB"] = 2
    FIFTY_MB[f"text-heavy {len(under) >> 20} MB page"] = time.perf_counter() - started
    if slow:
        # Tag-dense: ~600,000 paragraphs. Linear, but bs4 needs about a minute for it.
        dense = b"<html><body><div class='TRS_Editor'>" + row * ((limit - 100) // len(row) - 1) + b"</div>"
        started = time.perf_counter()
        check("http://h/dense.html", dense, time_limit=180)
        TRIED["50MB"] += 1
        FIFTY_MB["tag-dense 50 MB page"] = time.perf_counter() - started


FIFTY_MB: dict[str, float] = {}


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b"a" * (200 * 1024 * 1024))  # 200 MB of 'a' -> ~200 KB
    return out.getvalue()


def _zip_bomb_lying_sizes() -> bytes:
    """A member whose header claims a small size but inflates to 100 MB."""
    data = bytearray(_zip_bomb())
    # Patch the declared uncompressed size (central directory and local header) of document.xml to 1 KB.
    name = b"word/document.xml"
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while True:
            pos = data.find(sig, pos)
            if pos < 0:
                break
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[pos + off:pos + off + 4] = (1024).to_bytes(4, "little")
            pos += 4
    return bytes(data)


def test_docx_zip_bombs() -> None:
    for name, data in (("bomb", _zip_bomb()), ("liar", _zip_bomb_lying_sizes())):
        assert len(data) < 1024 * 1024
        started = time.perf_counter()
        check(f"/tmp/{name}.docx", data, memory=True, time_limit=20)
        assert time.perf_counter() - started < 20
    # Many members (a "zip of a million files" in miniature).
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(20000):
            z.writestr(f"word/media/{i}.xml", b"")
        z.writestr("word/document.xml", b"<x/>")
    check("/tmp/many.docx", out.getvalue(), time_limit=20)


def _pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += f"{offsets.get(num, 0):010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_pdf_reference_loops() -> None:
    cases = {
        # The page tree points back at itself.
        "pages-loop": _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                            2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}),
        # A page whose parent's kids include the parent.
        "kids-cycle": _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                            2: b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
                            3: b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"}),
        # Content stream length referencing itself, and resources referencing each other.
        "length-loop": _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                             2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources 5 0 R >>",
                             4: b"<< /Length 4 0 R >>\nstream\nBT (Hi) Tj ET\nendstream",
                             5: b"<< /Font 6 0 R >>", 6: b"<< /F1 5 0 R >>"}),
        # An indirect object that is itself.
        "self-ref": _pdf({1: b"1 0 R"}),
        # Info dictionary title looping.
        "info-loop": _pdf({1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
                           2: b"<< /Type /Pages /Kids [] /Count 0 >>", 3: b"3 0 R"}),
    }
    for name, data in cases.items():
        check(f"/tmp/{name}.pdf", data, memory=True, time_limit=20)


def test_mixed_encodings_in_one_page() -> None:
    utf8 = "一、总体情况 全年收到申请十二件。".encode()
    gbk = "二、主动公开政府信息情况 主动公开一百二十条。".encode("gb18030")
    big5 = "三、收到和處理申請".encode("big5")
    latin = "Café überall".encode("latin-1")
    for ctype in (None, "text/html; charset=utf-8", "text/html; charset=gb2312", "text/html; charset=big5"):
        data = (b"<html><head><meta charset='gb2312'><title>" + gbk[:12] + b"</title></head><body><div id='zoom'><p>"
                + utf8 + b"</p><p>" + gbk + b"</p><p>" + big5 + b"</p><p>" + latin + b"\x00\xff\xfe</p></div></body></html>")
        doc = check("http://h/mixed.html", data, content_type=ctype)
        assert doc is None or doc.text.strip()
    # BOM says UTF-16 but the bytes are UTF-8.
    check("http://h/bom.html", b"\xff\xfe" + "<html><body><p>一、总体情况</p></body></html>".encode())


def test_hostile_documents_figures() -> None:
    total = sum(TRIED.values())
    record("hostile_documents", f"{total} inputs extracted by kind {dict(sorted(TRIED.items()))}: "
                                f"only ExtractionError escaped, each under {TIME_LIMIT:g} s "
                                f"(nested/huge cases under their own bounds), bombs under {MEMORY_LIMIT >> 20} MB; "
                                + ", ".join(f"{k} {v:.1f} s" for k, v in FIFTY_MB.items()))
    assert total > 0 and resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
