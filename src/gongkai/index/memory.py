"""The allocator settings of a searching process (glibc's ``mallopt``).

A search at a million sections makes a dozen arrays of a million entries (masks, scores, the
section-to-document steps) and frees them at its end. glibc hands every block above its mmap
threshold straight back to the kernel, and raises the threshold only after some frees, so how a
process's searches allocate depends on its history: in a server that had run the benchmark's mix,
each search faulted in 4 000 fresh pages (17 MB), a fifth of a warm search's time. Fixing the
threshold at glibc's largest (32 MB) and keeping up to 256 MB of freed heap makes those blocks come
back from the heap: no page faults, warm searches 10–20 % faster, peak memory 1 % higher (measured
over the mix at a million sections). Elsewhere (musl, macOS, Windows) nothing changes.
"""

from __future__ import annotations

import ctypes
import sys
from functools import lru_cache

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 32 << 20  # the largest glibc accepts on 64-bit machines
TRIM_THRESHOLD = 256 << 20


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Set the thresholds above once per process; True where the allocator took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own allocator
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
