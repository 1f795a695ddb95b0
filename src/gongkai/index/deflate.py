"""Deflate for the index's posting blocks and stored fields: ISA-L's where it is installed.

Whoosh's W3 format compresses every posting block and every document's stored fields with
zlib, and that was a fifth of a bulk build. ISA-L (Intel's storage library, through
``python-isal``) writes the same zlib format, so Whoosh's own reader (``zlib.decompress``)
reads what it writes, 2.7x faster than zlib at level 1 on the benchmark's posting blocks for the
same size, and decompresses 2x faster. Without it (no wheel for the platform) zlib's functions
are used: the same files, only slower.
"""

from __future__ import annotations

try:
    from isal.isal_zlib import compress, decompress

    # ISA-L's level 0 (its fastest, still deflate: zlib's level 0 would store) for posting blocks: 35 %
    # faster than its level 1 on the benchmark's blocks, for 19 % larger postings files.
    BLOCK_LEVEL = 0
except ImportError:  # pragma: no cover - isal is a dependency; its absence only costs time
    from zlib import compress, decompress

    BLOCK_LEVEL = 1

# The level of stored fields, and the compression recorded in a compressed posting block's info (Whoosh's
# reader only asks whether a block is compressed; any reader decompresses any level). Level 1 of either
# library: zlib's 3, Whoosh's default, compresses blocks 2 % smaller, 15 % slower.
LEVEL = 1


def compress_block(data: bytes | memoryview) -> bytes:
    """A posting block, zlib-format compressed at ``BLOCK_LEVEL``."""
    return compress(data, BLOCK_LEVEL)


__all__ = ["BLOCK_LEVEL", "LEVEL", "compress", "compress_block", "decompress"]
