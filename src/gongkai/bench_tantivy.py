"""The benchmark's reference point: tantivy (a Rust search library) fed with jieba-rs tokens.

Every text is lower-cased, cut by the same jieba-rs segmenter gongkai uses (with gongkai's user
dictionary, without sub-words) and indexed pre-tokenised (tokens joined by spaces, tantivy's
``whitespace`` tokenizer, positions on), one tantivy document per section as in gongkai. Queries
are cut the same way; every query of the mix also counts facets (tantivy ``terms`` aggregations
over year, section, type and agency) and makes snippets of the top ten hits. Optional: needs
the ``tantivy`` package (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

_QUOTED = re.compile(r'"([^"]+)"')


def available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _cut() -> Any:
    from .index.segment import get_segmenter

    seg = get_segmenter("rjieba")

    def cut(text: str) -> str:
        return " ".join(seg.cut(text.lower()))

    return cut


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("sid", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_id", stored=True, fast=True, tokenizer_name="raw")
    for name in ("title", "heading", "body"):
        sb.add_text_field(name, stored=True, tokenizer_name="whitespace")
    for name in ("agency", "type", "section", "published"):
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    return sb.build()


def build(docs: list[Any], index_dir: Path) -> None:
    import tantivy

    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(index_dir))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    cut = _cut()
    for d in docs:
        title = cut(d.title)  # once per document, as gongkai does
        for i, s in enumerate(d.sections):
            writer.add_document(tantivy.Document(
                sid=f"{d.id}#{i}", doc_id=d.id, title=title, heading=cut(s.heading), body=cut(s.text),
                agency=d.agency, type=d.doc_type, section=s.key, published=d.published or "",
                year=d.year or 0))
    writer.commit()
    writer.wait_merging_threads()


def runner(index_dir: Path) -> Any:
    import tantivy

    index = tantivy.Index.open(str(index_dir))
    schema = index.schema
    searcher = index.searcher()
    cut = _cut()
    aggs = {name: {"terms": {"field": name, "size": 20}} for name in ("year", "section", "type", "agency")}

    def parse(q: str) -> Any:
        phrases = [f'"{cut(p)}"' for p in _QUOTED.findall(q)]
        words = [cut(w) for w in _QUOTED.sub(" ", q).split()]
        text = " ".join(phrases + [f"({w})" if " " in w else w for w in words])
        return index.parse_query(text, ["title", "heading", "body"], conjunction_by_default=True)

    def run(q: str, opts: dict[str, Any]) -> Any:
        query = parse(q)
        filters = []
        if opts.get("years"):
            y1, y2 = opts["years"]
            filters.append(tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer, y1, y2))
        if opts.get("section"):
            filters.append(tantivy.Query.term_query(schema, "section", opts["section"]))
        if filters:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query)] +
                                                [(tantivy.Occur.Must, f) for f in filters])
        if opts.get("ids"):
            hits = searcher.search(query, limit=searcher.num_docs).hits
            return {searcher.doc(a)["doc_id"][0] for _, a in hits}
        page = opts.get("page", 1)
        result = searcher.search(query, limit=10, offset=(page - 1) * 10, count=True)
        searcher.aggregate(query, aggs)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _, address in result.hits:
            snippets.snippet_from_doc(searcher.doc(address)).fragment()
        return result

    return run
