"""Shared fixtures: small indexes built from Documents written here (no extraction involved)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from factory import BULK_DOCS, bulk_doc, make_doc
from gongkai.index import Indexer
from gongkai.models import Document, Section, content_hash, document_id


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run the long variants of tests/reliability (many kills, more examples)")


@pytest.fixture(autouse=True, scope="session")
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The compiled segmenter dictionary (``index.dictseg``) goes to a folder of this run, not the user's."""
    import os

    os.environ["GONGKAI_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Chinese, the default, unless the test says ``@pytest.mark.lang("en")``; the
    machine's own locale never decides (subprocesses inherit the same)."""
    from gongkai import i18n

    marker = request.node.get_closest_marker("lang")
    for name in ("GONGKAI_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    english = marker is not None and i18n.normalize_language(marker.args[0]) == "en"
    monkeypatch.setenv("LANG", "C.UTF-8" if english else "zh_CN.UTF-8")
    i18n.set_language(None)


def build_index(path: Path, docs: Iterable[Document]) -> Path:
    with Indexer(path) as ix:
        for d in docs:
            ix.upsert(d)
    return path


@pytest.fixture
def make_index(tmp_path: Path) -> Callable[[Iterable[Document]], Path]:
    def _make(docs: Iterable[Document]) -> Path:
        return build_index(tmp_path / "index", docs)

    return _make


@pytest.fixture(scope="session")
def bulk_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 000 short documents, for exports of every result (built once per run, ~10 s)."""
    path = tmp_path_factory.mktemp("bulk") / "index"
    with Indexer(path, batch=BULK_DOCS) as ix:
        for i in range(BULK_DOCS):
            ix.upsert(bulk_doc(i))
    return path


@pytest.fixture
def reports_index(make_index: Callable[[Iterable[Document]], Path]) -> Path:
    """25 annual reports plus a notice."""
    notice = Document(
        id=document_id("http://www.qingxi.example.gov.cn/tzgg/1.html"),
        url="http://www.qingxi.example.gov.cn/tzgg/1.html",
        title="关于做好2020年政务公开工作的通知", agency="青溪市人民政府办公室", doc_type="notice", year=2020,
        published="2020-03-05", doc_no="青政办〔2020〕3号",
        sections=[Section("", "", "other", "各区县人民政府：为做好政务公开工作，现将有关事项通知如下。")],
    )
    notice.content_hash = content_hash(notice)
    return make_index([make_doc(i) for i in range(25)] + [notice])
