"""Documents written here for index and CLI tests (no extraction involved)."""

from __future__ import annotations

import json
from pathlib import Path

from gongkai.bench import make_corpus
from gongkai.models import Document, Section, content_hash, document_id

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parents[2] / "shared" / "seed"

AGENCIES = ["青溪市财政局", "青溪市人民政府办公室", "白沙县教育局"]


def make_doc(i: int, **over: object) -> Document:
    """A small annual report, deterministic in ``i``: year 2015 + i % 5, agency by i % 3."""
    year = 2015 + i % 5
    agency = AGENCIES[i % 3]
    sections = [
        Section("一", "概述", "overview",
                f"{year}年，{agency}认真贯彻《中华人民共和国政府信息公开条例》，全面推进政务公开工作。"),
        Section("二", "依申请公开政府信息情况", "requests",
                f"全年共收到政府信息公开申请{10 + i}件，均按时答复。" + ("其中予以公开8件。" if i % 2 else "")),
        Section("三", "因政府信息公开申请提起行政复议、行政诉讼的情况", "appeals",
                "本年度发生行政复议1件。" if i % 4 == 0 else "未发生行政诉讼案件。"),
    ]
    doc = Document(
        id=document_id(f"http://www.qingxi.example.gov.cn/xxgk/{i}.html"),
        url=f"http://www.qingxi.example.gov.cn/xxgk/{i}.html",
        title=f"{agency}{year}年政府信息公开工作年度报告",
        agency=agency, doc_type="annual_report", year=year, published=f"{year + 1}-02-{1 + i % 27:02d}",
        index_no=f"QX0001-0101-{year}-{i:05d}", doc_no=f"青政办发〔{year + 1}〕{i}号", sections=sections,
    )
    for k, v in over.items():
        setattr(doc, k, v)
    doc.content_hash = content_hash(doc)
    return doc


BULK_DOCS = 10_000


def bulk_doc(i: int) -> Document:
    """A one-section notice, deterministic in ``i``: 10 years, 2 agencies, every one citing 依申请公开."""
    url = f"http://gk.example.gov.cn/bulk/{i}.html"
    year = 2015 + i % 10
    doc = Document(
        id=document_id(url), url=url, title=f"关于第{i}批政府信息公开事项的通知",
        agency=("青溪市财政局", "白沙县人民政府")[i % 2], doc_type="notice", year=year,
        published=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", doc_no=f"青财〔{year}〕{i}号",
        sections=[Section("", "", "other", f"依申请公开事项办理{i}件。")],
    )
    doc.content_hash = content_hash(doc)
    return doc


def sample_texts(tmp_path: Path) -> list[str]:
    """Texts to hold two segmenters or analyzers equal: every text fixture (and the seed report, when
    present), and the titles and sections of 240 of the benchmark's report documents."""
    texts = []
    for f in sorted(FIXTURES.rglob("*")) + (sorted(SEED.glob("*.txt")) if SEED.is_dir() else []):
        if f.is_file() and f.suffix in (".html", ".htm", ".txt", ".json", ".xml"):
            raw = f.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    texts.append(raw.decode(enc))
                    break
                except UnicodeDecodeError:
                    continue
    corpus = tmp_path / "corpus.jsonl"
    make_corpus(240, corpus)
    for line in corpus.read_text("utf-8").splitlines():
        d = Document.from_dict(json.loads(line))
        texts.append(d.title)
        texts.extend(s.heading + "\n" + s.text for s in d.sections)
    return texts
