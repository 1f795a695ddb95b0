"""Helpers of the statistics tests: the fixture reports and how to read them."""

from __future__ import annotations

from pathlib import Path

from gongkai.extract import extract_document
from gongkai.models import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def report_files() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".txt", ".pdf"))


def load(path: Path) -> Document:
    return extract_document(str(path), path.read_bytes())
