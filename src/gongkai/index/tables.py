"""Per-generation lookup tables that make grouping and facets cheap.

Whoosh answers "which sections match" quickly, but asking its column readers about each match
(which document, which year…) costs a Python call per match and column. ``Tables`` reads the
columns once per index generation into flat lists indexed by section number, so that grouping
and facet counting are `map`/`set`/`Counter` calls running at C speed. Filters (year, section,
type, agency) are cached as sets of section numbers for the same generation.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

FILTER_CACHE_SIZE = 64


class Tables:
    def __init__(self, reader: Any) -> None:
        cols = _columns(reader, ("doc_id", "year", "type", "agency", "published", "section"))
        ords: dict[str, int] = {}
        self.sec_doc: list[int] = [ords.setdefault(d, len(ords)) for d in cols["doc_id"]]
        self.doc_ids: list[str] = list(ords)
        first: list[int] = [0] * len(ords)
        for docnum in range(len(self.sec_doc) - 1, -1, -1):
            first[self.sec_doc[docnum]] = docnum

        def per_doc(name: str) -> list[Any]:
            return list(map(cols[name].__getitem__, first))

        self.doc_year: list[Any] = [y if y and y > 0 else None for y in per_doc("year")]
        self.doc_type: list[Any] = per_doc("type")
        self.doc_agency: list[Any] = per_doc("agency")
        self.doc_published: list[str] = [p or "" for p in per_doc("published")]
        self.sec_section: list[str] = cols["section"]
        self._filters: OrderedDict[str, set[int]] = OrderedDict()

    def filter_set(self, key: str, compute: Callable[[], Iterable[int]]) -> set[int]:
        found = self._filters.get(key)
        if found is None:
            found = set(compute())
            self._filters[key] = found
            if len(self._filters) > FILTER_CACHE_SIZE:
                self._filters.popitem(last=False)
        else:
            self._filters.move_to_end(key)
        return found

    def docs_of(self, sections: Iterable[int]) -> set[int]:
        return set(map(self.sec_doc.__getitem__, sections))

    def facets(self, sections: list[int], docs: set[int]) -> dict[str, dict[str, int]]:
        """Counts of documents per year, type and agency, and per section key."""

        def count(values: Iterable[Any]) -> dict[str, int]:
            return dict(Counter(str(v) for v in values if v).most_common())

        years = count(map(self.doc_year.__getitem__, docs))
        pairs = set(zip(map(self.sec_doc.__getitem__, sections), map(self.sec_section.__getitem__, sections),
                        strict=True))
        return {
            "year": dict(sorted(years.items(), reverse=True)),
            "section": dict(Counter(key for _, key in pairs if key).most_common()),
            "type": count(map(self.doc_type.__getitem__, docs)),
            "agency": count(map(self.doc_agency.__getitem__, docs)),
        }


def _columns(reader: Any, names: tuple[str, ...]) -> dict[str, list[Any]]:
    """Whole columns, segment by segment (a segment without a value for a column gets None)."""
    out: dict[str, list[Any]] = {name: [] for name in names}
    for leaf, _offset in reader.leaf_readers():
        n = leaf.doc_count_all()
        for name in names:
            out[name].extend(list(leaf.column_reader(name)) if leaf.has_column(name) else [None] * n)
    return out
