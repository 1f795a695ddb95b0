"""The OpenSearch backend: the same analyzer, queries and answers as the Whoosh index, on a cluster.

- ``client``  where the index lives (``OpenSearchConfig``) and cluster failures as gongkai errors
- ``slots``   our jieba tokens, pre-tokenised at their character offsets for a whitespace analyzer
- ``mapping`` the index settings and mapping (nested sections, the analyzer version) and documents
- ``query``   the parsed query language as OpenSearch query DSL
- ``search``  ``OpenSearchSearcher``: search, documents, similar, agency documents
- ``writer``  ``OpenSearchIndexer``: upserts and deletes in bulk, with back-off and retries
- ``cluster`` a local cluster for development and tests (``scripts/opensearch``)
"""

from .client import OpenSearchConfig
from .search import OpenSearchSearcher
from .writer import OpenSearchIndexer

__all__ = ["OpenSearchConfig", "OpenSearchIndexer", "OpenSearchSearcher"]
