"""Fixtures for the web tests: a small real index built in a temp dir, the app and its client.

The sample archive: 3 agencies × 10 years (2014–2023) of annual reports in the 2019 template
outline, a few notices and policies, and one hostile document whose title, agency and body
carry markup, so escaping is checked end to end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gongkai.models import Attachment, Cell, Document, Section, Table, content_hash, document_id
from gongkai.web import create_app

AGENCIES = ("青溪市财政局", "云岭县人民政府", "白沙镇人民政府")
YEARS = tuple(range(2014, 2024))
EVIL_TITLE = '<script>alert(1)</script>年度报告 "onerror=alert(2) &amp; 测试'
EVIL_AGENCY = "<b>恶意</b>局&amp;"
EVIL_BODY = '<img src=x onerror=alert(3)> 依申请公开 &amp; &lt;script&gt; "quoted" <script>alert(4)</script>'


def _doc(
    url: str,
    title: str,
    agency: str,
    doc_type: str,
    year: int,
    published: str,
    sections: list[Section],
    **extra: object,
) -> Document:
    doc = Document(
        id=document_id(url),
        url=url,
        title=title,
        agency=agency,
        doc_type=doc_type,
        year=year,
        published=published,
        sections=sections,
        **extra,
    )  # type: ignore[arg-type]
    doc.content_hash = content_hash(doc)
    return doc


def annual_report(agency: str, year: int, n: int) -> Document:
    received = 10 + (year % 7) * 3 + n
    sections = [
        Section(
            "一",
            "总体情况",
            "overview",
            f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开。\n"
            "（一）主动公开\n全年通过门户网站主动公开政府信息，及时回应社会关切。",
            ["主动公开"],
        ),
        Section(
            "二",
            "主动公开政府信息情况",
            "proactive",
            f"本年新制作规范性文件{n + 2}件，主动公开财政预算、决算信息。",
        ),
        Section(
            "三",
            "收到和处理政府信息公开申请情况",
            "requests",
            f"本年新收依申请公开政府信息申请{received}件，上年结转{n}件。"
            f"予以公开{received - 2}件，不予公开1件，无法提供1件。",
        ),
        Section(
            "四",
            "政府信息公开行政复议、行政诉讼情况",
            "appeals",
            f"全年因政府信息公开被申请行政复议{n % 2}件，被提起行政诉讼0件。",
        ),
        Section(
            "五",
            "存在的主要问题及改进情况",
            "problems",
            "公开内容不够全面，解读形式较为单一。下一步将加强培训，提升公开质量。",
        ),
        Section("六", "其他需要报告的事项", "other", "本年度未收取信息处理费。"),
    ]
    url = f"http://gk.example.gov.cn/{n}/ndbg/{year + 1}01/t{year + 1}0115_{n}.html"
    return _doc(
        url,
        f"{agency}{year}年政府信息公开工作年度报告",
        agency,
        "annual_report",
        year,
        f"{year + 1}-0{1 + n}-1{n}",
        sections,
        index_no=f"QX0{n}100-0101-{year + 1}-0000{n}",
        doc_no="无",
        attachments=[Attachment(url.replace(".html", ".pdf"), f"{year}年年度报告.pdf", "pdf")],
    )


def sample_documents() -> list[Document]:
    docs = [annual_report(agency, year, n) for n, agency in enumerate(AGENCIES) for year in YEARS]
    docs.append(
        _doc(
            "http://gk.example.gov.cn/tzgg/202003/t20200310_9.html",
            "关于做好2020年政务公开工作的通知",
            AGENCIES[0],
            "notice",
            2020,
            "2020-03-10",
            [Section("", "", "other", "各单位要做好政府信息公开申请办理工作，依法依规答复申请人。")],
            doc_no="青财办〔2020〕3号",
        )
    )
    docs.append(
        _doc(
            "http://gk.example.gov.cn/zcwj/202106/t20210601_7.html",
            "青溪市政府信息公开申请办理规定",
            AGENCIES[0],
            "policy",
            2021,
            "2021-06-01",
            [
                Section("一", "总则", "overview", "为规范依申请公开工作，制定本规定。"),
                Section("二", "办理程序", "requests", "收到申请后应当登记，并在规定期限内答复。"),
            ],
            doc_no="青财规〔2021〕1号",
        )
    )
    docs.append(
        _doc(
            "http://evil.example.gov.cn/a.html",
            EVIL_TITLE,
            EVIL_AGENCY,
            "other",
            2018,
            "2018-05-05",
            [Section("一", "<i>标题</i>", "overview", EVIL_BODY)],
        )
    )
    return docs


def build_index(index_dir: Path, docs: list[Document]) -> Path:
    from gongkai.index import Indexer

    with Indexer(index_dir) as ix:
        for doc in docs:
            ix.upsert(doc)
    return index_dir


@pytest.fixture(scope="session")
def docs() -> list[Document]:
    return sample_documents()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, docs: list[Document]) -> Path:
    return build_index(tmp_path_factory.mktemp("web-index") / "index", docs)


@pytest.fixture()
def app(index_dir: Path) -> Flask:
    return create_app(index_dir)


@pytest.fixture()
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture()
def english_client(app: Flask) -> Iterator[FlaskClient]:
    """A browser that asks for English (Accept-Language: en)."""
    with app.test_client() as c:
        c.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
        yield c


def doc_by_title(docs: list[Document], title: str) -> Document:
    return next(d for d in docs if d.title == title)


class Sample:
    """The helpers above for test modules (tests/ has no packages, so they come as a fixture)."""

    EVIL_TITLE = EVIL_TITLE
    EVIL_AGENCY = EVIL_AGENCY
    EVIL_BODY = EVIL_BODY
    annual_report = staticmethod(annual_report)
    sample_documents = staticmethod(sample_documents)
    build_index = staticmethod(build_index)


@pytest.fixture(scope="session")
def sample() -> type[Sample]:
    return Sample


TABLES_PAGE = Path(__file__).parent.parent / "fixtures" / "tables" / "yunxi_2023_ndbg_tables.html"


@pytest.fixture(scope="session")
def tables_doc() -> Document:
    """An annual report page whose statistics tables have merged header cells (extracted, not built)."""
    from gongkai.extract.document import extract_document

    return extract_document("http://www.yunxi.example.gov.cn/xxgk/ndbg/202401/t20240126_3.html",
                            TABLES_PAGE.read_bytes())


@pytest.fixture(scope="session")
def tables_index(tmp_path_factory: pytest.TempPathFactory, tables_doc: Document) -> Path:
    evil = _doc("http://evil.example.gov.cn/t.html", "恶意表格", EVIL_AGENCY, "other", 2018, "2018-05-05", [
        Section("", "", "other", f"{EVIL_BODY} | 2\n依申请公开 | 3", tables=[Table(
            [[Cell(EVIL_BODY), Cell("2")], [Cell("依申请公开", colspan=2)]], line=0, lines=2)])])
    return build_index(tmp_path_factory.mktemp("web-tables") / "index", [tables_doc, evil])
