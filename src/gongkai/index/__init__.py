"""Analysis, schema, writing and searching of the gongkai index."""

from . import whooshimport  # noqa: F401 - first: Whoosh's base modules without two slow imports
from .analysis import ANALYZER_VERSION, ChineseTokenizer, ExactTokenizer, query_terms, tokens
from .request import SearchRequest, parse_published, parse_years
from .schema import exists, index_identity, open_index, read_meta
from .search import SearcherHandle, agency_documents, get_document, open_searcher, search, similar_documents
from .writer import Indexer

__all__ = [
    "ANALYZER_VERSION", "ChineseTokenizer", "ExactTokenizer", "Indexer", "SearchRequest", "SearcherHandle",
    "agency_documents", "exists", "get_document", "index_identity", "open_index", "open_searcher", "parse_published",
    "parse_years", "query_terms", "read_meta", "search", "similar_documents", "tokens",
]
