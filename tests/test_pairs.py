"""Word-pair terms: both writers index the same pairs, and a phrase checked on them finds exactly the
sections the words' own positional check finds (Whoosh's matcher and the evaluator without pairs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from factory import make_doc
from gongkai.index import Indexer, open_index
from gongkai.index import tables as tables_module
from gongkai.index.analysis import PAIR_SEP, PairTokenizer, analyse, pair_lists, pair_words, query_terms
from gongkai.index.query import CharPhrase
from gongkai.index.schema import PAIR_FIELDS
from gongkai.index.tables import Tables
from gongkai.models import Document, Section, content_hash, document_id

TEXTS = [
    "中华人民共和国政府信息公开条例规定，政府信息公开工作年度报告应当公开。",
    "政府，信息公开；政府信息、公开。政府信息公开公开公开。",
    "ＸＭ２０２１年政府信息公开申请１２件，依申请公开答复１２件。",  # full-width: offsets map to the original
    "㈠主动公开政府信息情况㈡依申请公开政府信息情况",  # ㈠ expands to three characters under NFKC
    "本机关收到政府信息公开申请48件，予以公开30件，部分公开5件，不予公开3件。",
    "电子证照共享应用与政务服务一网通办。",
]


def _docs() -> list[Document]:
    docs = [make_doc(i) for i in range(12)]
    for i, text in enumerate(TEXTS):
        url = f"http://www.example.gov.cn/pairs/{i}.html"
        doc = Document(id=document_id(url), url=url, title=f"政府信息公开{i}", agency="白沙县财政局",
                       doc_type="notice", year=2021, published="2022-01-05",
                       sections=[Section("一", "政府信息公开情况", "overview", text)])
        doc.content_hash = content_hash(doc)
        docs.append(doc)
    return docs


def _phrases() -> list[list[str]]:
    """Every run of 2 to 4 query words cut from the texts (as a user would type them)."""
    out: set[tuple[str, ...]] = set()
    for text in TEXTS + [s.text for d in _docs()[:12] for s in d.sections]:
        words = query_terms(text)
        for n in (2, 3, 4):
            out.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    out.add(("政府", "信息", "公开"))  # the segmentation of the text differs (政府信息 / 信息公开 …)
    out.add(("公开", "公开"))
    return sorted(list(p) for p in out)


@pytest.fixture(scope="module", params=["whoosh", "bulk"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(request.param) / "ix"
    with Indexer(path, bulk_min=1 if request.param == "bulk" else 10**9) as ix:
        for d in _docs():
            ix.upsert(d)
    return path


@pytest.fixture
def searcher(built: Path) -> Iterator[object]:
    s = open_index(built).searcher()
    yield s
    s.close()


def test_pairs_are_touching_tokens_with_a_common_word() -> None:
    common = frozenset({"公开"})
    words, _, starts, ends = analyse("政府信息公开，公开")
    terms, joins, p_starts, p_ends = pair_lists(words, starts, ends, common)
    assert f"信息{PAIR_SEP}公开" in terms  # sub-words of the one token 政府信息公开
    assert all("公开" in t.split(PAIR_SEP) for t in terms)
    assert f"公开{PAIR_SEP}公开" not in terms  # the comma parts them
    i = terms.index(f"信息{PAIR_SEP}公开")
    assert (p_starts[i], joins[i], p_ends[i]) == (2, 4, 6)
    assert "公开" in pair_words() and "的" in pair_words() and "政府信息公开" in pair_words()


@pytest.mark.parametrize("field", ["body", "heading", "title"])
def test_phrases_on_pairs_find_what_the_words_find(searcher: object, field: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    phrases = _phrases()
    assert len(phrases) > 100
    with_pairs = Tables(searcher)
    with monkeypatch.context() as m:
        m.setattr(tables_module, "PAIR_FIELDS", {})
        words_only = Tables(searcher)
        expected = [set(np.flatnonzero(words_only.mask(CharPhrase(field, p))).tolist()) for p in phrases]
    used_pairs = 0
    for phrase, want in zip(phrases, expected, strict=True):
        q = CharPhrase(field, phrase)
        got = set(np.flatnonzero(with_pairs.mask(q)).tolist())
        assert got == want, phrase
        assert got == set(searcher.docs_for_query(q)), phrase  # Whoosh's own matcher on the words
        used_pairs += any(pair for _, _, pair in with_pairs._pair_steps(q))
    assert used_pairs > len(phrases) // 2
    assert any(expected)


def test_a_phrase_of_common_words_reads_pairs_not_words(searcher: object) -> None:
    t = Tables(searcher)
    assert t.mask(CharPhrase("body", ["政府", "信息", "公开"])).any()
    assert t.mask(CharPhrase("body", ["主动", "公开", "政府", "信息"])).any()
    assert {field for field, _, _ in t._postings} == {PAIR_FIELDS["body"]}


def test_both_writers_index_the_same_pairs(tmp_path: Path) -> None:
    terms = []
    for kind, bulk_min in (("whoosh", 10**9), ("bulk", 1)):
        with Indexer(tmp_path / kind, bulk_min=bulk_min) as ix:
            for d in _docs():
                ix.upsert(d)
        with open_index(tmp_path / kind).reader() as r:
            found = {}
            for name in PAIR_FIELDS.values():
                assert isinstance(r.schema[name].analyzer, PairTokenizer)
                for text in r.lexicon(name):
                    m = r.postings(name, text)
                    found[(name, text)] = list(m.items_as("characters"))
            terms.append(found)
    assert len(terms[0]) > 100
    assert terms[0] == terms[1]
