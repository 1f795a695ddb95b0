"""A document without a year: null in JSON, absent from the year facet (Whoosh's column marker never shows)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from click.testing import CliRunner

from factory import make_doc
from gongkai.cli import cli
from gongkai.index import SearchRequest, search
from gongkai.models import Document, Section, content_hash, document_id


def _notice_without_year() -> Document:
    doc = Document(id=document_id("http://www.qingxi.example.gov.cn/tzgg/ts.html"),
                   url="http://www.qingxi.example.gov.cn/tzgg/ts.html", title="停水通知", doc_type="notice",
                   sections=[Section("", "", "other", "因供水管道维修，定于明日暂停供水，请做好储水准备。")])
    doc.content_hash = content_hash(doc)
    return doc


def test_missing_year_is_null_and_not_a_facet(make_index: Callable[[Iterable[Document]], Path]) -> None:
    index = make_index([make_doc(0), make_doc(1), _notice_without_year()])
    result = search(index, SearchRequest(query="公开 OR 停水"))
    assert result["total"] == 3
    assert result["facets"]["year"] == {"2016": 1, "2015": 1}
    by_title = {r["title"]: r for r in result["results"]}
    assert by_title["停水通知"]["year"] is None
    out = CliRunner().invoke(cli, ["search", "--index", str(index), "停水", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [r["year"] for r in data["results"]] == [None]
    assert data["facets"]["year"] == {}
    assert "2147483647" not in out.output
