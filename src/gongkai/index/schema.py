"""The index schema (one Whoosh document per section) and opening an index safely.

Beside Whoosh's files the index folder holds ``gongkai.json``: the analyzer version, the
segmenter that built the index, the schema version and ``index_id``, a random id written when the
index is created (`index_identity`: a reader holding an index open notices one rebuilt under it,
whose generation numbers start again at 1). Opening an index written by another
analyzer version raises ``IndexVersionError`` with the command that rebuilds it.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index

from gongkai.i18n import _

from ..errors import IndexVersionError, NoIndexError, StorageError
from .analysis import ANALYZER_VERSION, ChineseTokenizer, ExactTokenizer, PairTokenizer, pair_words
from .formats import CharSpans
from .segment import segmenter_name

SCHEMA_VERSION = "4"  # 4: status (current | withdrawn) and the withdrawn day
# The layout of the Whoosh index itself (fields the OpenSearch backend does not have): 2 added the
# word-pair fields. An index of another layout is refused with the command that rebuilds it.
LAYOUT_VERSION = "2"
META_FILE = "gongkai.json"
# Fields a plain query word is looked up in, with their BM25F weights (title and heading above body).
TEXT_FIELDS = ("title", "heading", "body", "agency_text")
FIELD_BOOSTS = {"title": 3.0, "heading": 2.0, "body": 1.0, "agency_text": 0.5}
# Each text field's word pairs (``analysis.PairTokenizer``), for phrases over common words.
PAIR_FIELDS = {name: f"{name}_pairs" for name in TEXT_FIELDS}


def text_analyzer() -> Analyzer:
    return ChineseTokenizer()


def _text(boost: float = 1.0, stored: bool = True) -> TEXT:
    """A TEXT field on our analyzer with the compact CharSpans posting format."""
    field = TEXT(analyzer=text_analyzer(), stored=stored, chars=True, field_boost=boost)
    field.format = CharSpans(field_boost=boost)
    return field


def _pairs() -> TEXT:
    """A field of word pairs: not stored, not scored (it changes no field length or score)."""
    field = TEXT(analyzer=PairTokenizer(pair_words()), stored=False, chars=True)
    field.format = CharSpans()
    field.scorable = False
    return field


def with_pairs(fields: dict[str, Any]) -> dict[str, Any]:
    """A Whoosh document with its text also given to the pair fields (for Whoosh's own writer; the
    bulk writer makes the pairs from the text fields' tokens)."""
    out = dict(fields)
    for name, pairs in PAIR_FIELDS.items():
        if fields.get(name):
            out[pairs] = fields[name]
    return out


def make_schema() -> Schema:
    exact = ExactTokenizer()
    pairs = {name: _pairs() for name in PAIR_FIELDS.values()}
    return Schema(
        **pairs,
        sid=ID(stored=True, unique=True),
        doc_id=ID(stored=True, sortable=True),
        ord=NUMERIC(int, stored=True),
        number=STORED,
        section=ID(stored=True, sortable=True),
        title=_text(FIELD_BOOSTS["title"]),
        heading=_text(FIELD_BOOSTS["heading"]),
        body=_text(),
        agency=ID(stored=True, sortable=True),
        agency_text=_text(FIELD_BOOSTS["agency_text"], stored=False),
        type=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        published=ID(stored=True, sortable=True),
        doc_no=ID(stored=True, analyzer=exact),
        index_no=ID(stored=True, analyzer=exact),
        topic=ID(stored=True),
        status=ID(stored=True),  # "current" or "withdrawn" (已撤下): the filter --status
        withdrawn=STORED,  # the day the document's page was first found gone
        url=STORED,
        source=ID(stored=True),
        hash=STORED,
        meta=STORED,
    )


def _meta_path(index_dir: Path) -> Path:
    return Path(index_dir) / META_FILE


def read_meta(index_dir: Path) -> dict[str, Any]:
    try:
        return json.loads(_meta_path(index_dir).read_text("utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return {}


def _write_meta(index_dir: Path) -> None:
    meta = {
        "analyzer_version": ANALYZER_VERSION,
        "schema_version": SCHEMA_VERSION,
        "layout_version": LAYOUT_VERSION,
        "segmenter": segmenter_name(),
        "index_id": uuid.uuid4().hex,
    }
    tmp = _meta_path(index_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, _meta_path(index_dir))


def index_identity(index_dir: Path) -> str | None:
    """What tells this index from another one built later in the same folder, or None when there is
    no index. ``index_id`` of ``gongkai.json``; for indexes made before it existed, the file's inode and
    modification time (the file is written once, when the index is created)."""
    path = _meta_path(index_dir)
    try:
        st = path.stat()
    except OSError:
        return None
    return str(read_meta(index_dir).get("index_id") or f"{st.st_ino}:{st.st_mtime_ns}")


def exists(index_dir: Path) -> bool:
    return Path(index_dir).is_dir() and whoosh_index.exists_in(str(index_dir))


def open_index(index_dir: Path, create: bool = False) -> Index:
    """Open the index at ``index_dir``; with ``create``, make it when missing."""
    index_dir = Path(index_dir)
    if not exists(index_dir):
        if not create:
            raise NoIndexError(
                _("no index at {index_dir}/ — run `gongkai index PATH` or `gongkai crawl` first").format(index_dir=index_dir)
            )
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            # The version file goes first: a kill between the two steps must not leave an
            # index that later opens as "built by an unknown version".
            _write_meta(index_dir)
            ix = whoosh_index.create_in(str(index_dir), make_schema())
        except OSError as e:
            raise StorageError(_("cannot create an index at {index_dir}: {value}").format(index_dir=index_dir, value=e.strerror or e)) from e
        return ix
    check_version(index_dir)
    try:
        # Without mmap: Whoosh would map every segment file, and the pages it touches count in the
        # process's memory (a searcher over a 660 MB index grew to 1.5 GB; 0.2 GB with plain reads).
        # Searchers must then be closed: each holds its segment files open.
        return FileStorage(str(index_dir), supports_mmap=False).open_index()
    except Exception as e:  # Whoosh raises many kinds on damaged files
        raise NoIndexError(
            _("the index at {index_dir} cannot be read ({name}: {e}); rebuild it with `gongkai reindex --index {index_dir}` or `gongkai index --index {index_dir} PATH`").format(index_dir=index_dir, name=e.__class__.__name__, e=e)
        ) from e


def check_version(index_dir: Path) -> None:
    meta = read_meta(index_dir)
    found = meta.get("analyzer_version")
    layout = meta.get("layout_version") or "1"  # indexes written before the layout was recorded
    if found != ANALYZER_VERSION or meta.get("schema_version") != SCHEMA_VERSION or layout != LAYOUT_VERSION:
        raise IndexVersionError(
            _("the index at {index_dir} was built by analyzer version {value} (schema {value2}, layout {layout}); this gongkai uses analyzer version {ANALYZER_VERSION} (schema {SCHEMA_VERSION}, layout {LAYOUT_VERSION}). Rebuild it: delete {index_dir} and run `gongkai reindex` (crawled archives) or `gongkai index PATH` again").format(index_dir=index_dir, value=found or 'unknown', value2=meta.get('schema_version') or 'unknown', layout=layout, ANALYZER_VERSION=ANALYZER_VERSION, SCHEMA_VERSION=SCHEMA_VERSION, LAYOUT_VERSION=LAYOUT_VERSION)
        )
