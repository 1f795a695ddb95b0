"""Annual-report statistics: read the figures of a report, check them, compare agencies and years.

    extract_figures(doc) -> dict | None        figures.py (field names documented there)
    check_figures(figures) -> list[str]        checks.py
    stats_rows(handle, agency=None, years=None) -> list[dict]   report.py
    `gongkai stats` (commands.py), the `/stats` web pages (web.py: `blueprint`)
"""

from __future__ import annotations

from .checks import check_figures
from .figures import extract_figures, figures_from_text

__all__ = ["check_figures", "extract_figures", "figures_from_text"]
