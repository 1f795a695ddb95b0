"""Per-generation arrays: query evaluation, BM25F scoring and facets over whole posting lists.

Whoosh's matchers walk postings one document at a time in Python, which is what made common
terms slow (every match scored, every match asked which document and year it belongs to).
``Tables`` reads, once per index generation, the columns a search needs into numpy arrays
indexed by section number; a query is then evaluated as boolean masks over those arrays:

- a term's posting list is read block by block from Whoosh's files (ids and weights arrays);
- AND / OR / NOT are mask operations; a phrase is the AND of its words, then each candidate
  is checked for character adjacency (see ``query.CharPhrase``) or, for identifiers, for
  consecutive positions;
- ``match`` combines them at the level a search asks for: with document scope (the default) each
  part of an AND may match in another section of the same document, so section masks are reduced
  to document masks (``docs_of``) before they are combined; with section scope the parts must
  meet in one section. NOT always excludes whole documents;
- a prefix (申请*) is expanded over the term dictionary, a bounded number of words at most;
- scores are Whoosh's BM25F (same idf, field lengths, B and K1), summed over the query's
  positive terms and accumulated with ``bincount``;
- grouping per document and facet counts are ``unique``/``bincount`` over the mask.

Whoosh's own matchers remain the fallback for query types evaluated nowhere else here.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.fields import NUMERIC
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import Phrase
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from gongkai.i18n import _

from ..errors import QueryError
from . import gentables
from . import native as _native
from .analysis import PAIR_SEP
from .formats import CharSpans
from .hotlists import Entry, HotLists, open_hot
from .phrases import Spans, adjacent
from .postread import prefetch_dictionaries, term_postings
from .schema import PAIR_FIELDS

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, which the index was always searched with
_LENGTH = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_NONE = -1
POSTINGS_CACHE = 256 << 20  # bytes of posting lists kept per generation
MAX_EXPANSION = 256  # words a prefix (申请*) may stand for in one field


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Values as small integer codes plus the table of distinct values (None → -1)."""
    table: dict[Any, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) if v not in (None, "") else _NONE for v in values),
                        dtype=np.int32, count=len(values))
    return codes, list(table)


class Tables:
    def __init__(self, searcher: Any, folder: Any = None, prefetch: bool = True) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves: list[tuple[Any, int]] = list(reader.leaf_readers())
        if folder is not None and prefetch:
            segments = [leaf.segment() if hasattr(leaf, "segment") else None for leaf, _ in self.leaves]
            prefetch_dictionaries(folder, [seg.segment_id() for seg in segments if seg is not None])
        self.n = reader.doc_count_all()
        self._dates: np.ndarray | None = None  # publish-date ranks, when the generation's tables hold them
        self._lengths: dict[str, np.ndarray] = {}  # length bytes per text field
        stored = gentables.load(folder, reader) if folder is not None and self.n else None
        if stored is not None:
            self._from_generation(*stored)
        else:
            self._from_columns()
        self.ndocs = len(self.doc_first)
        # documents with a live section: those whose first section is live, as that is a live one where any is
        self.doc_live = self.live[self.doc_first]
        # publish dates as integers that sort like the dates; -1 where a document has none
        self.doc_date = self._dates if self._dates is not None else gentables.date_ranks(self.doc_published)
        self._filters: dict[str, np.ndarray] = {}
        # posting lists (field, term, with values) and BM25 contributions (field, term, "bm25")
        self._postings: OrderedDict[tuple[str, Any, Any], tuple[np.ndarray, np.ndarray, Any]] = OrderedDict()
        self._cached = 0
        self.folder = folder
        self._hot_lists: dict[str, HotLists | None] = {}
        self._leaf_hots: list[HotLists | None] | None = None
        self._scored: set[tuple[str, Any]] = set()  # words scored once from the files (``scores``)
        self._where: dict[tuple[str, Any, bool], list[tuple[HotLists | None, Entry | None]]] = {}
        self._df: dict[tuple[str, Any], int] = {}
        self.check: Callable[[], None] = lambda: None  # the searcher sets a deadline check here

    def _from_generation(self, meta: dict[str, Any], a: dict[str, np.ndarray]) -> None:
        """Arrays mapped from the generation's tables file, written at commit time (``gentables``)."""
        # (section arrays as int32, as ``gentables`` writes them and the extension's one-pass steps read
        # them: no copy)
        self.sec_doc, self.doc_first, self.doc_year = (np.ascontiguousarray(a["sec_doc"], dtype=np.int32),
                                                       a["doc_first"], a["doc_year"])
        self.doc_ids: Any = gentables.DocIds(a["doc_id_blob"], meta["ndocs"])
        self.doc_type, self.type_names = a["doc_type"], meta["type_names"]
        self.doc_agency, self.agency_names = a["doc_agency"], meta["agency_names"]
        self.doc_published = a["doc_published"]
        self._dates = a.get("doc_date")
        self.sec_section, self.section_names = np.ascontiguousarray(a["sec_section"], dtype=np.int32), meta["section_names"]
        self.live = a["live"]
        for field in gentables.TEXT_LENGTHS:
            self._lengths[field] = a[f"len_{field}"]

    def _from_columns(self) -> None:
        cols = _columns(self.leaves, ("doc_id", "year", "type", "agency", "published", "section"))
        ords: dict[str, int] = {}
        self.sec_doc = np.fromiter((ords.setdefault(d, len(ords)) for d in cols["doc_id"]), dtype=np.int32,
                                   count=self.n)
        self.doc_ids = list(ords)
        self.live = np.ones(self.n, dtype=bool)
        for leaf, offset in self.leaves:
            if leaf.has_deletions():
                for d in range(leaf.doc_count_all()):
                    if leaf.is_deleted(d):
                        self.live[offset + d] = False
        # A document's fields come from its first live section (its first section if all are deleted).
        first = np.zeros(len(ords), dtype=np.int64)
        first[self.sec_doc[::-1]] = np.arange(self.n - 1, -1, -1)
        alive = np.flatnonzero(self.live)
        first[self.sec_doc[alive[::-1]]] = alive[::-1]
        self.doc_first = first
        pick = first.tolist()
        years = [cols["year"][i] for i in pick]
        self.doc_year = np.array([y if y and y > 0 else 0 for y in years], dtype=np.int32)
        self.doc_type, self.type_names = _codes([cols["type"][i] for i in pick])
        self.doc_agency, self.agency_names = _codes([cols["agency"][i] for i in pick])
        self.doc_published = np.array([cols["published"][i] or "" for i in pick], dtype=str)
        self.sec_section, self.section_names = _codes(cols["section"])

    # -- posting lists ---------------------------------------------------------------------------
    def postings(self, field: str, text: Any, values: bool = False) -> tuple[np.ndarray, np.ndarray, Any]:
        """(section numbers, weights, occurrences if asked) of one term, deleted sections left out.
        Occurrences are a ``phrases.Spans`` for ``CharSpans`` fields, else a list of raw values.

        Posting lists are cached for this generation up to ``POSTINGS_CACHE`` bytes in all, least
        recently used first out: the terms of a search are read once for matching and scoring, and
        common terms come back in many searches."""
        key = (field, text, values)
        found = self._postings.get(key)
        if found is None and not values and (field, text, True) in self._postings:
            key = (field, text, True)  # a list read with its values (for a phrase) serves without them too
            found = self._postings[key]
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = self._read_postings(field, text, values)
        self._cache(key, found)
        return found

    def _cache(self, key: tuple[str, Any, Any], found: tuple[np.ndarray, np.ndarray, Any]) -> None:
        self._postings[key] = found
        self._cached += _nbytes(found)
        while self._cached > POSTINGS_CACHE and len(self._postings) > 1:
            _key, old = self._postings.popitem(last=False)
            self._cached -= _nbytes(old)

    def _hot(self, leaf: Any) -> HotLists | None:
        """The leaf's long lists as arrays (``hotlists``), when its segment has them."""
        seg = leaf.segment() if self.folder is not None and hasattr(leaf, "segment") else None
        if seg is None:
            return None
        seg_id = seg.segment_id()
        if seg_id not in self._hot_lists:
            self._hot_lists[seg_id] = open_hot(self.folder, seg_id)
        return self._hot_lists[seg_id]

    def _read_postings(self, field: str, text: Any, values: bool) -> tuple[np.ndarray, np.ndarray, Any]:
        packed = values and isinstance(self.searcher.schema[field].format, CharSpans)
        fill = getattr(_native.extension(), "hot_fill", None) if packed or not values else None
        parts = self._parts(field, text, values, packed, direct=fill is not None)
        direct = [isinstance(p[0], HotLists) for p in parts]
        if any(direct):
            assert fill is not None
            if not packed or all(d or p[2].counts.max(initial=0) < 1 << 16 for d, p in zip(direct, parts, strict=True)):
                return self._joined(fill, parts, packed)
            # (a count the joined arrays' uint16 cannot hold, in a segment without long lists: arrays for all)
            parts = [self._arrays(p, values) if d else p for d, p in zip(direct, parts, strict=True)]
        id_arr = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        w_arr = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.float32)
        if packed:
            return id_arr, w_arr, Spans.concat([p[2] for p in parts])
        return id_arr, w_arr, [v for p in parts for v in p[2]] if values else []

    def _parts(self, field: str, text: Any, values: bool, packed: bool, direct: bool) -> list[Any]:
        """Each segment's part of a term's list, in segment order: ``(HotLists, Entry, offset)`` for a
        long list to be read straight from its file (``direct``, in a segment without deletions), else
        ``(ids, weights, occurrences)`` arrays, section numbers offset and deleted sections left out.
        Records the term's doc frequency (postings as the segments hold them, deleted ones included)."""
        parts: list[Any] = []
        stored = 0
        located = self._located(field, text, values)
        self._where.pop((field, text, values), None)  # (located again, and asked for again, if read again)
        for (leaf, offset), (hot, entry) in zip(self.leaves, located, strict=True):
            if entry is not None and hot is not None and direct and not leaf.has_deletions():
                stored += entry.n_post
                parts.append((hot, entry, offset))
                continue
            found = self._segment_postings(leaf, field, text, values, packed, hot, entry)
            if found is None:
                continue
            ids, weights, here = found
            stored += len(ids)
            ids = np.add(ids, offset, dtype=np.int64)  # (one pass from a long list's uint16 numbers)
            if leaf.has_deletions():  # deleted sections left out, segment by segment (most have none)
                keep = self.live[ids]
                ids, weights = ids[keep], weights[keep]
                if packed:
                    here = here.take(keep)
                elif values:
                    here = [v for v, k in zip(here, keep.tolist(), strict=True) if k]
            parts.append((ids, weights, here))
        if len(self._df) > 100_000:
            self._df.clear()
        self._df[(field, text)] = stored
        return parts

    @staticmethod
    def _arrays(part: tuple[HotLists, Entry, int], values: bool) -> tuple[np.ndarray, np.ndarray, Any]:
        hot, entry, offset = part
        found = hot.get("", "", values, entry)  # (the entry says where: no look-up by field and text)
        assert found is not None
        return np.add(found[0], offset, dtype=np.int64), found[1], found[2]

    def _has_list(self, field: str, text: Any) -> bool:
        """Whether a term's list is cached (read with its occurrences or without)."""
        return (field, text, False) in self._postings or (field, text, True) in self._postings

    def _located(self, field: str, text: Any, values: bool) -> list[tuple[HotLists | None, Entry | None]]:
        """Each leaf's long lists and where the term's list lies in them (``HotLists.locate``, which asks
        the kernel for it), found once between ``prefetch`` and the read."""
        key = (field, text, values)
        found = self._where.get(key)
        if found is None:
            if len(self._where) > 10_000:  # (prefetched lists never read: a search stopped by its deadline)
                self._where.clear()
            found = [(hot, hot.locate(field, text, values) if hot is not None else None) for hot in self._hots(text)]
            self._where[key] = found
        return found

    def prefetch(self, terms: Iterable[tuple[str, Any]]) -> None:
        """Ask the kernel now for the long lists of ``terms`` (field, text) that a search will read
        later, its scoring words while its phrases are checked: the disk reads them while the search
        works on what came first, where a cold search used to wait for each list in turn."""
        for field, text in terms:
            if not self._has_list(field, text):
                self._located(field, text, False)

    def _hots(self, text: Any) -> list[HotLists | None]:
        """Each leaf's long lists (None for a leaf without any, and for terms that are not text)."""
        if not isinstance(text, str):
            return [None] * len(self.leaves)
        if self._leaf_hots is None:
            self._leaf_hots = [self._hot(leaf) for leaf, _ in self.leaves]
        return self._leaf_hots

    def _segment_postings(self, leaf: Any, field: str, text: Any, values: bool, packed: bool,
                          hot: HotLists | None, entry: Entry | None) -> tuple[np.ndarray, np.ndarray, Any] | None:
        """One segment's postings of a term: its long list, else its W3 postings (segment numbers)."""
        if hot is not None and entry is not None:
            return hot.get(field, text, values, entry)
        try:
            return term_postings(leaf, field, text, values)  # whole blocks at once (postread)
        except NotImplementedError:
            found: Any = _matcher_postings(leaf, field, text, values)
            if found is not None and packed:
                found = (found[0], found[1], Spans.of_values(found[2]))
            return found
        except (KeyError, ValueError):  # the term cannot be in this field
            return None

    @staticmethod
    def _joined(fill: Any, parts: list[Any], packed: bool) -> tuple[np.ndarray, np.ndarray, Any]:
        """The segments' parts as one list, long lists copied by the extension straight into place."""
        sizes = [p[1].n_post if isinstance(p[0], HotLists) else len(p[0]) for p in parts]
        ids = np.empty(sum(sizes), dtype=np.int64)
        weights = np.empty(len(ids), dtype=np.float32)
        counts = rows = None
        if packed:
            n_rows = [p[1].n_rows if isinstance(p[0], HotLists) else len(p[2].rows) for p in parts]
            counts = np.empty(len(ids), dtype=np.uint16)  # (the caller checked that every count fits)
            rows = np.empty((sum(n_rows), 3), dtype=np.int32)
        at = row = 0
        for i, (part, n) in enumerate(zip(parts, sizes, strict=True)):
            sl = slice(at, at + n)
            nr = n_rows[i] if packed else 0
            if isinstance(part[0], HotLists):
                hot, entry, offset = part
                if packed:
                    assert counts is not None and rows is not None
                    hot.fill(fill, entry, offset, ids[sl], weights[sl], counts[sl], rows[row : row + nr])
                else:
                    hot.fill(fill, entry, offset, ids[sl], weights[sl])
            else:
                ids[sl], weights[sl] = part[0], part[1]
                if packed:
                    assert counts is not None and rows is not None
                    counts[sl] = part[2].counts
                    rows[row : row + nr] = part[2].rows
            at, row = at + n, row + nr
        return ids, weights, Spans(counts, rows) if packed and counts is not None and rows is not None else []

    def length_bytes(self, field: str) -> np.ndarray:
        """Whoosh's length byte of ``field`` per section (``_LENGTH`` turns one into a length); only the
        sections a term is in are converted, not a million of them at the first query of a process."""
        found = self._lengths.get(field)
        if found is None:
            parts = []
            for leaf, _weight in self.leaves:
                n = leaf.doc_count_all()
                col = leaf._perdoc._cached_reader(f"_{field}_len", _lengths_column())
                parts.append(np.fromiter(col, dtype=np.uint8, count=n) if col is not None
                             else np.zeros(n, dtype=np.uint8))
            found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
            self._lengths[field] = found
        return found

    # -- evaluation ------------------------------------------------------------------------------
    def mask(self, q: Any) -> np.ndarray:
        """Boolean mask of the sections matching ``q`` (every part of an AND in the same section)."""
        if isinstance(q, Phrase):
            adjacency = getattr(q, "adjacency", "positions")
            return self.filter_mask(f"phrase:{adjacency}:{q!r}", q, self._phrase)
        if isinstance(q, wq.Term):
            m = np.zeros(self.n, dtype=bool)
            m[self.postings(q.fieldname, q.text)[0]] = True
            return m
        if isinstance(q, wq.Or):
            m = np.zeros(self.n, dtype=bool)
            for sub in q.subqueries:
                m |= self.mask(sub)
            return m
        if isinstance(q, wq.And):
            m = self.live.copy()
            for sub in q.subqueries:
                m &= self.mask(sub)
                if not m.any():
                    break
            return m
        if isinstance(q, wq.AndNot):
            return self.mask(q.a) & ~self.mask(q.b)
        if isinstance(q, wq.Not):
            return self.live & ~self.mask(q.query)
        if isinstance(q, wq.Every):
            return self.live.copy()
        if isinstance(q, wq.NumericRange) and q.fieldname == "year":
            return self.year_docs(q.start, q.end)[self.sec_doc] & self.live
        m = np.zeros(self.n, dtype=bool)
        m[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
        return m

    def match(self, q: Any, scope: str = "document", restrict: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """(documents, sections) for ``q``: the mask of the matching documents and the mask of their
        sections where a positive part of ``q`` matched (what a search scores and shows).

        ``scope`` "document": each part of an AND may match in another section of the document (its
        title and attachments included); "section": all parts in one section. ``restrict`` (a section
        mask, the --section filter) limits the sections looked at, and a ``section:KEY`` part of an
        AND limits its siblings the same way. NOT excludes every document containing its operand
        anywhere, in both scopes."""
        hits: list[tuple[np.ndarray, np.ndarray | None]] = []
        if scope == "section":
            sections = self._in_one_section(q)
            if restrict is not None:
                sections = sections & restrict  # not in place: the mask may be a cached phrase's
            docs = self.docs_of(sections)
            hits.append((sections, None))
        else:
            docs = self._in_document(q, restrict, hits)
        found = np.zeros(self.n, dtype=bool)
        own = np.zeros(self.n, dtype=bool)
        for sections, by_text in hits:
            found |= sections
            if by_text is not None:
                own |= by_text
        in_docs = docs[self.sec_doc]
        found &= in_docs
        own &= in_docs
        # The sections shown are those matched by their own text; only a document matched by its title
        # or other fields alone (the same on all its sections) shows the sections that matched so.
        return docs, own | (found & ~self.docs_of(own)[self.sec_doc])

    def _in_document(self, q: Any, restrict: np.ndarray | None, hits: list[Hit] | None) -> np.ndarray:
        """Document mask of ``q`` with document-level AND; positive section hits go to ``hits``."""
        if isinstance(q, wq.AndNot):
            return self._in_document(q.a, restrict, hits) & ~self._in_document(q.b, None, None)
        if isinstance(q, wq.Not):
            return self.doc_live & ~self._in_document(q.query, None, None)
        if isinstance(q, wq.And) and not getattr(q, "one_word", False):
            parts = []
            for sub in q.subqueries:
                if isinstance(sub, wq.Term) and sub.fieldname == "section":
                    restrict = self.mask(sub) if restrict is None else restrict & self.mask(sub)
                else:
                    parts.append(sub)
            if not parts:  # only section:KEY parts: the documents having such sections
                return self._leaf_docs(wq.Every(), restrict, hits)
            m = self.doc_live.copy()
            for sub in parts:
                m &= self._in_document(sub, restrict, hits)
                if not m.any():
                    break
            return m
        if isinstance(q, wq.Or) and not _flat(q):
            m = np.zeros(self.ndocs, dtype=bool)
            for sub in q.subqueries:
                m |= self._in_document(sub, restrict, hits)
            return m
        return self._leaf_docs(q, restrict, hits)

    def _leaf_docs(self, q: Any, restrict: np.ndarray | None, hits: list[Hit] | None) -> np.ndarray:
        """A part evaluated over sections (a word, a phrase, an OR of them), then per document; its
        hits are the sections it matched, and those it matched by their own text (see ``_own``)."""
        sections = self.mask(q)
        if restrict is not None:
            sections = sections & restrict  # not in place: the mask may be a cached phrase's
        if hits is not None:
            own = _own(q)
            hits.append((sections, sections if own is q else None if own is None else self.mask(own) & sections))
        return self.docs_of(sections)

    def _in_one_section(self, q: Any) -> np.ndarray:
        """Section mask of ``q`` with section-level AND; NOT still excludes whole documents."""
        if isinstance(q, wq.AndNot):
            return self._in_one_section(q.a) & ~self.docs_of(self._in_one_section(q.b))[self.sec_doc]
        if isinstance(q, wq.Not):
            return self.live & ~self.docs_of(self._in_one_section(q.query))[self.sec_doc]
        if isinstance(q, wq.And):
            m = self.live.copy()
            for sub in q.subqueries:
                m &= self._in_one_section(sub)
                if not m.any():
                    break
            return m
        if isinstance(q, wq.Or) and not _flat(q):
            m = np.zeros(self.n, dtype=bool)
            for sub in q.subqueries:
                m |= self._in_one_section(sub)
            return m
        return self.mask(q)

    # -- documents -------------------------------------------------------------------------------
    def docs_of(self, sections: np.ndarray) -> np.ndarray:
        """The documents (a mask) having at least one of ``sections`` (a section mask)."""
        m = np.zeros(self.ndocs, dtype=bool)
        one_pass = getattr(_native.extension(), "docs_of", None)
        if one_pass is not None and sections.dtype == bool:  # (no index array of the sections set)
            one_pass(self.sec_doc, sections.view(np.uint8), m.view(np.uint8))
        else:
            m[self.sec_doc[sections]] = True
        return m

    def best_per_doc(self, sections: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Per document, the highest of ``scores`` over its ``sections`` (a section mask), 0 where none:
        one pass over the sections in the extension (``doc_max``). Without it: a document's sections are
        numbered one after another (a changed document's come after the others, all together), so the
        sections' documents are mostly in order already; put in order where they are not, one maximum
        per run of a document (``reduceat``), several times faster than ``np.maximum.at``'s loop."""
        best = np.zeros(self.ndocs, dtype=np.float64)
        one_pass = getattr(_native.extension(), "doc_max", None)
        if one_pass is not None:  # the same maxima in one pass over the sections, nothing allocated
            one_pass(self.sec_doc, sections.view(np.uint8), np.ascontiguousarray(scores, dtype=np.float64), best)
            return best
        where = np.flatnonzero(sections)
        if not len(where):
            return best
        docs, values = self.sec_doc[where], scores[where]
        if (docs[1:] < docs[:-1]).any():
            order = np.argsort(docs, kind="stable")
            docs, values = docs[order], values[order]
        starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
        best[docs[starts]] = np.maximum(np.maximum.reduceat(values, starts), 0.0)
        return best

    def year_docs(self, lo: int | None, hi: int | None) -> np.ndarray:
        """Documents covering a year in lo..hi (either end open when None)."""
        y = self.doc_year
        m = y > 0
        if lo is not None:
            m &= y >= lo
        if hi is not None:
            m &= y <= hi
        return m

    def published_docs(self, lo: str | None, hi: str | None) -> np.ndarray:
        """Documents published on a day in lo..hi (ISO dates, either end open when None)."""
        d = self.doc_published
        m = d != ""
        if lo is not None:
            m &= d >= lo
        if hi is not None:
            m &= d <= hi
        return m

    def type_docs(self, doc_type: str) -> np.ndarray:
        if doc_type not in self.type_names:
            return np.zeros(self.ndocs, dtype=bool)
        return self.doc_type == self.type_names.index(doc_type)

    # -- prefixes ----------------------------------------------------------------------------------
    def expand(self, q: Any) -> Any:
        """``q`` with each prefix (``wq.Prefix``: 申请*) replaced by an OR of the index's words that
        start with it; a prefix standing for more than ``MAX_EXPANSION`` words is refused."""
        if isinstance(q, wq.Prefix):
            field = self.searcher.schema[q.fieldname]
            words = []
            for raw in self.searcher.reader().expand_prefix(q.fieldname, q.text):
                words.append(field.from_bytes(raw))
                if len(words) > MAX_EXPANSION:
                    raise QueryError(
                        _("{text}* stands for more than {MAX_EXPANSION} different words in the index: type more of the word before the *").format(text=q.text, MAX_EXPANSION=MAX_EXPANSION)
                    )
            return wq.Or([wq.Term(q.fieldname, w) for w in words])
        if isinstance(q, wq.AndNot):
            return wq.AndNot(self.expand(q.a), self.expand(q.b))
        if isinstance(q, wq.Not):
            return wq.Not(self.expand(q.query))
        if isinstance(q, wq.And | wq.Or):
            copy = q.copy()
            copy.subqueries = [self.expand(sub) for sub in q.subqueries]
            return copy
        return q

    def filter_mask(self, key: str, q: Any, evaluate: Callable[[Any], np.ndarray] | None = None) -> np.ndarray:
        """The mask of a filter or phrase, cached for this generation (both repeat across searches,
        and a phrase over common words is the costliest thing to evaluate)."""
        found = self._filters.get(key)
        if found is None:
            if len(self._filters) >= 64:
                self._filters.clear()
            found = self._filters[key] = (evaluate or self.mask)(q)
        return found

    def _phrase(self, q: Any) -> np.ndarray:
        """Sections where the words of ``q`` follow each other: touching characters for a
        ``CharPhrase``, consecutive positions (punctuation between them) for other phrases."""
        m = np.zeros(self.n, dtype=bool)
        if not self.searcher.schema[q.fieldname].format.supports("characters"):
            m[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
            return m
        by_chars = getattr(q, "adjacency", "positions") == "chars"
        steps = self._pair_steps(q) if by_chars else [(q.fieldname, w, False) for w in q.words]
        if len(steps) == 1 and steps[0][2]:  # two words: the pair's own list is the answer
            m[self.postings(*steps[0][:2])[0]] = True
            return m
        lists = []
        for field, term, _pair in steps:  # one step that is nowhere in this field ends it: no more lists read
            lists.append(self.postings(field, term, values=True))
            if not len(lists[-1][0]):
                return m
        if not lists:
            return m
        candidates = self.live.copy()
        for ids, _lens, _vals in lists:
            here = np.zeros(self.n, dtype=bool)
            here[ids] = True
            candidates &= here
        cand = np.flatnonzero(candidates)
        if not len(cand):
            return m
        fmt = self.searcher.schema[q.fieldname].format
        if isinstance(fmt, CharSpans):  # all occurrences at once (phrases.adjacent)
            found = adjacent(cand, [(ids, vals) for ids, _, vals in lists], self.check, by_chars,
                             [pair for _, _, pair in steps], candidates)
            m[cand[found]] = True
            return m
        lists = [self.postings(q.fieldname, w, values=True) for w in q.words]  # words only from here
        decode = fmt.decode_characters
        per_word = []
        for ids, _lens, vals in lists:  # posting lists come out in section order: search them
            per_word.append([vals[i] for i in np.searchsorted(ids, cand).tolist()])
        for j, doc in enumerate(cand.tolist()):
            if j % 1024 == 0:
                self.check()
            if by_chars:
                ends = {ec for _, _, ec in decode(per_word[0][j])}
                for word_vals in per_word[1:]:
                    starts = {sc: ec for _, sc, ec in decode(word_vals[j])}
                    ends = {starts[e] for e in ends if e in starts}
                    if not ends:
                        break
            else:
                ends = {pos for pos, _, _ in decode(per_word[0][j])}
                for word_vals in per_word[1:]:
                    ends = {pos for pos, _, _ in decode(word_vals[j]) if pos - 1 in ends}
                    if not ends:
                        break
            if ends:
                m[doc] = True
        return m

    def _pair_steps(self, q: Any) -> list[tuple[str, str, bool]]:
        """(field, term, is a pair) per step of a phrase checked by characters: the pair of two
        neighbouring words where the index has it (one of them is a common word), else the next word;
        a first pair stands for the first two words."""
        schema, words = self.searcher.schema, list(q.words)
        name = PAIR_FIELDS.get(q.fieldname)
        if name is None or name not in schema or len(words) < 2:
            return [(q.fieldname, w, False) for w in words]
        common = schema[name].analyzer.common
        paired = [a in common or b in common for a, b in zip(words, words[1:], strict=False)]
        steps = [(name, words[0] + PAIR_SEP + words[1], True)] if paired[0] else [(q.fieldname, words[0], False)]
        for i in range(2 if paired[0] else 1, len(words)):
            steps.append((name, words[i - 1] + PAIR_SEP + words[i], True) if paired[i - 1]
                         else (q.fieldname, words[i], False))
        return steps

    # -- scoring ---------------------------------------------------------------------------------
    def scores(self, terms: Iterable[tuple[str, Any]], matched: np.ndarray) -> np.ndarray:
        """BM25F score of every section (0 outside ``matched``), summed over ``terms``."""
        total = np.zeros(self.n, dtype=np.float64)
        s = self.searcher
        native = getattr(_native.extension(), "bm25_add", None)
        if native is not None:  # one pass per term, nothing cached but the postings (native/src/lib.rs)
            flags = matched.view(np.uint8)
            fused = getattr(_native.extension(), "hot_bm25", None)

            def bm25(field: str, text: Any) -> tuple[Any, ...]:  # (after the list is read: its idf needs its df)
                return (self.length_bytes(field), _LENGTH, flags, self._idf(field, text),
                        s.avg_field_length(field) or 1.0, K1, K1 + 1, 1 - B, B)

            for field, text in terms:
                if fused is not None and not self._has_list(field, text) and (field, text) not in self._scored:
                    # A word scored but not matched on (a phrase's), the first time: added straight from
                    # the files, its list not kept; the second time it is read and kept (a list is cached
                    # once it is asked for again, as most caches admit).
                    if len(self._scored) > 100_000:
                        self._scored.clear()
                    self._scored.add((field, text))
                    parts = self._parts(field, text, False, False, direct=True)
                    args = bm25(field, text)
                    for part in parts:
                        if isinstance(part[0], HotLists):
                            part[0].score(fused, part[1], part[2], total, *args)
                        elif len(part[0]):
                            native(total, part[0], np.ascontiguousarray(part[1], dtype=np.float32), *args)
                    continue
                ids, weights, _ = self.postings(field, text)
                if len(ids):
                    native(total, ids, np.ascontiguousarray(weights, dtype=np.float32), *bm25(field, text))
            return total
        for field, text in terms:
            key = (field, text, "bm25")  # a term's contribution per section, cached beside its postings
            found = self._postings.get(key)
            if found is None:
                ids, weights, _ = self.postings(field, text)
                if len(ids):
                    idf = self._idf(field, text)
                    avg = s.avg_field_length(field) or 1.0
                    lens = _LENGTH[self.length_bytes(field)[ids]]
                    contrib = idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lens / avg))
                    found = (ids, contrib, [])
                    self._cache(key, found)
            else:
                self._postings.move_to_end(key)
            if found is not None:
                total[found[0]] += found[1]  # a term's postings name each section once
        total[~matched] = 0.0
        return total

    def _idf(self, field: str, text: Any) -> float:
        """Whoosh's idf of a term, from the postings already read (no second look-up in every segment)."""
        df = self._df.get((field, text))
        return math.log(self.n / (df + 1)) + 1 if df is not None else float(self.searcher.idf(field, text))

    # -- grouping and facets ---------------------------------------------------------------------
    def facets(self, sections: np.ndarray, docs: np.ndarray) -> dict[str, dict[str, int]]:
        """Counts of documents per year, type and agency (``docs``: document numbers), and per section
        key (``sections``: the section mask of the hits)."""

        # Counting with bincount and sorting: numpy's unique() hashes, several times slower on these arrays.
        def count(codes: np.ndarray, names: list[Any] | None) -> dict[str, int]:
            codes = codes[codes > 0] if names is None else codes[codes >= 0]
            return ordered(np.bincount(codes), names)

        def ordered(counts: np.ndarray, names: list[Any] | None) -> dict[str, int]:
            values = np.flatnonzero(counts)
            pairs = [(str(v) if names is None else names[v], int(c)) for v, c in zip(values.tolist(),
                                                                                    counts[values].tolist(), strict=True)]
            pairs.sort(key=lambda p: -p[1])
            return dict(pairs)

        years = count(self.doc_year[docs], None)
        return {
            "year": dict(sorted(years.items(), reverse=True)),
            "section": ordered(self._docs_per_key(sections), self.section_names),
            "type": count(self.doc_type[docs], self.type_names),
            "agency": count(self.doc_agency[docs], self.agency_names),
        }

    def _docs_per_key(self, sections: np.ndarray) -> np.ndarray:
        """Per section key, how many documents have one of ``sections`` (a mask) with that key."""
        keys = len(self.section_names)
        one_pass = getattr(_native.extension(), "docs_per_key", None)
        if one_pass is not None and keys <= 64:
            return np.array(one_pass(self.sec_doc, self.sec_section, sections.view(np.uint8), self.ndocs, keys),
                            dtype=np.int64)
        # a (document, key) matrix marked once per pair, summed by column
        where = np.flatnonzero(sections)
        found = self.sec_section[where]
        pairs = np.zeros((self.ndocs, keys + 1), dtype=bool)
        pairs[self.sec_doc[where], np.where(found >= 0, found, keys)] = True
        return pairs[:, :keys].sum(axis=0)  # type: ignore[no-any-return]


Hit = tuple[np.ndarray, "np.ndarray | None"]  # sections a part matched, and those it matched by their own text
_SECTION_FIELDS = ("heading", "body", "section")  # the fields whose values differ between a document's sections


def _own(q: Any) -> Any:
    """The part of ``q`` a section matches by its own heading, text or key, not by the fields every
    section of a document carries (title, agency, 文号, year …); None when there is no such part."""
    if isinstance(q, wq.Term | Phrase | wq.Prefix):  # a prefix: for the OpenSearch backend, which does not expand it
        return q if q.fieldname in _SECTION_FIELDS else None
    if isinstance(q, wq.Every):
        return q
    if isinstance(q, wq.Or):
        parts = [p for p in (_own(sub) for sub in q.subqueries) if p is not None]
        if len(parts) == len(q.subqueries):
            return q
        return None if not parts else parts[0] if len(parts) == 1 else wq.Or(parts)
    if isinstance(q, wq.And):  # the segments of one word
        parts = [_own(sub) for sub in q.subqueries]
        if any(p is None for p in parts):
            return None
        return q if all(p is sub for p, sub in zip(parts, q.subqueries, strict=True)) else type(q)(parts)
    return None


def _flat(q: Any) -> bool:
    """True when ``q`` has no AND, NOT or section part below it, so it means the same evaluated per
    section or per document (an OR of words and phrases, the segments of one word)."""
    if isinstance(q, wq.AndNot | wq.Not):
        return False
    if isinstance(q, wq.And) and not getattr(q, "one_word", False):
        return False
    if isinstance(q, wq.Term) and q.fieldname == "section":
        return False
    return all(_flat(sub) for sub in q.subqueries) if isinstance(q, wq.Or) else True


def _nbytes(found: tuple[np.ndarray, np.ndarray, Any]) -> int:
    """Memory a cached posting list holds (raw values counted at what a short bytes object takes)."""
    ids, weights, vals = found
    extra = vals.nbytes if isinstance(vals, Spans) else 64 * len(vals)
    return int(ids.nbytes + weights.nbytes) + extra


def _matcher_postings(leaf: Any, field: str, text: Any, values: bool) -> tuple[np.ndarray, np.ndarray, list[Any]] | None:
    """One term's postings in one segment through Whoosh's matcher, block by block."""
    try:
        m = leaf.postings(field, text)
    except (TermNotFound, KeyError, ValueError):  # the term is not in this segment
        return None
    while isinstance(m, FilterMatcher):
        m = m.child
    ids: list[int] = []
    weights: list[float] = []
    vals: list[Any] = []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.extend(m._ids)
        weights.extend(m._weights)
        if values:
            m._read_values()
            vals.extend(m._values)
        if m._lastblock:
            break
        m._next_block()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32), vals


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


def _columns(leaves: list[tuple[Any, int]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    """Whole columns, segment by segment; a missing value is None.

    Whoosh fills the column of a section without a value with the field's default, which for a
    NUMERIC field is the largest value of its type (2147483647 for ``year``): that marker is None here,
    so a document without a year is absent from the year facet instead of counted under the marker."""
    out: dict[str, list[Any]] = {name: [] for name in names}
    for leaf, _offset in leaves:
        n = leaf.doc_count_all()
        for name in names:
            if not leaf.has_column(name):
                out[name].extend([None] * n)
                continue
            values = list(leaf.column_reader(name))
            field = leaf.schema[name]
            if isinstance(field, NUMERIC):
                missing = field.from_column_value(field.default)  # the default is kept in sortable form
                values = [None if v == missing else v for v in values]
            out[name].extend(values)
    return out
