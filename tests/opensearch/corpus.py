"""The contract tests' corpus: the factory's annual reports and a notice, plus every extraction
fixture (real-looking reports of both outlines, notices, policies; many sections each)."""

from __future__ import annotations

import json
from pathlib import Path

from factory import make_doc
from gongkai.models import Document, Section, content_hash, document_id

DOCS = Path(__file__).resolve().parents[1] / "fixtures" / "docs"


def fixture_documents() -> list[Document]:
    from gongkai.extract import extract_document

    out = []
    for path in sorted(DOCS.iterdir()):
        if path.suffix in (".json", ".md") or path.name.startswith("."):
            continue
        golden = json.loads(path.with_suffix(".json").read_text("utf-8"))
        out.append(extract_document(golden.get("url", str(path)), path.read_bytes()))
    return out


def corpus() -> list[Document]:
    notice = Document(
        id=document_id("http://www.qingxi.example.gov.cn/tzgg/1.html"),
        url="http://www.qingxi.example.gov.cn/tzgg/1.html",
        title="关于做好2020年政务公开工作的通知", agency="青溪市人民政府办公室", doc_type="notice", year=2020,
        published="2020-03-05", doc_no="青政办〔2020〕3号",
        sections=[Section("", "", "other", "各区县人民政府：为做好政务公开工作，现将有关事项通知如下。")],
    )
    notice.content_hash = content_hash(notice)
    empty = Document(id=document_id("http://www.qingxi.example.gov.cn/empty.html"),
                     url="http://www.qingxi.example.gov.cn/empty.html", title="空白页面")
    empty.content_hash = content_hash(empty)
    citing = []
    for n, cited in enumerate(("国办发〔2019〕4号", "国办发 [2019] 4号", "国办发〔2019〕5号")):
        url = f"http://www.qingxi.example.gov.cn/zcwj/{n}.html"
        d = Document(id=document_id(url), url=url, title=f"关于转发国务院办公厅通知的通知（{n}）",
                     agency="青溪市人民政府办公室", doc_type="policy", year=2019, published=f"2019-0{n + 4}-01",
                     sections=[Section("", "", "other", f"根据《国务院办公厅关于做好政务公开工作的通知》（{cited}）"
                                                        f"精神，结合本市实际，现将有关事项通知如下。")])
        d.content_hash = content_hash(d)
        citing.append(d)
    return [make_doc(i) for i in range(25)] + [notice, empty, *citing] + fixture_documents()
