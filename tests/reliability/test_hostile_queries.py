"""Hostile queries: each gets a clear error or an answer in bounded time, from the CLI and the web API alike.

CLI (click's CliRunner, in-process): exit 0 with results, or exit 1/2 with exactly one `Error: …` line on
stderr and no traceback. Web (`/api/search`): 200 JSON, or a 4xx JSON object with "error" — never a 5xx.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relhelpers import record

from factory import make_doc
from gongkai.cli import cli
from gongkai.index import Indexer
from gongkai.web import create_app

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

TIME_LIMIT = 5.0
QUERIES = [
    "依申请公开" * 100,  # 500 characters: the limit
    "依申请公开" * 101,  # one word over
    "a" * 10_000,
    " ".join(["公开"] * 250),
    '"政府信息公开', '政府信息公开"', '"""', '“未闭合', '"a" "b', "'单引号",
    "((((行政复议", "行政复议))))", "(" * 200 + "x" + ")" * 200, "(" * 300, ")(",
    "*公开", "?开", "*", "**", "公*", "title:*", "*:*",
    "title:", ":", "::::", "foo:bar", "unknown_field:公开", "year:abc", "year:99999999999999999999",
    "年份:2019-", "type:不存在", "section:nope", "文号:", "索引号:((",
    "OR", "AND", "NOT", "NOT NOT NOT", "OR OR OR 公开", "- - -", "-", "公开 NOT", "a OR", "AND 公开 OR",
    "\x00", "公开\x00复议", "\x1b[31m红\x1b[0m", "\r\n\t", "\u200b\u200e\u202e", "\ud800", "\udfff公开",
    "\ufffe\uffff", "😀" * 50, "%00", "%s%s%s%n", "{{7*7}}", "${jndi:ldap://x}", "<script>alert(1)</script>",
    "'; DROP TABLE pages; --", "../../etc/passwd", "\\", "\\\\\\", "公开~2", "公开^3", "[2019 TO 2020]",
    "year:[1000 TO 9999]", "公开" + "\u0301" * 100, "ＡＮＤ ＯＲ", "title:(公开 OR", '"" ""',
]
PAGES = ["0", "-1", "101", "99999999999999999999999", "1e3", "abc", "", "1.5", "\x00"]
LIMITS = ["0", "-5", "101", "100000000000", "x"]
YEARS = ["0", "20190", "2019-2015", "1900-3000", "-", "２０１９", "2019\x00"]
SECTIONS = ["nope", "../etc", "\x00", "复议" * 300]
TYPES = ["nope", "\x00", "年度报告"]
TRIED = {"cli": 0, "api": 0, "html": 0}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "index"
    with Indexer(path) as ix:
        for i in range(25):
            ix.upsert(make_doc(i))
    return path


@pytest.fixture(scope="module")
def client(index: Path) -> Iterator[FlaskClient]:
    with create_app(index).test_client() as c:
        yield c


def _cli(index: Path, args: list[str], *, usage_ok: bool = False) -> None:
    """`usage_ok`: a bad option value may get click's own usage message (Usage/Try/Error lines)."""
    started = time.perf_counter()
    res = CliRunner().invoke(cli, ["search", "--index", str(index), *args])
    elapsed = time.perf_counter() - started
    TRIED["cli"] += 1
    assert elapsed < TIME_LIMIT, (args, elapsed)
    assert res.exception is None or isinstance(res.exception, SystemExit), (args, repr(res.exception))
    assert "Traceback" not in res.output
    if res.exit_code == 0:
        return
    assert res.exit_code in (1, 2), (args, res.exit_code, res.output)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    if usage_ok and lines and lines[0].startswith("Usage: "):
        assert res.exit_code == 2 and lines[-1].startswith("Error: "), (args, res.stderr)
        return
    assert len(lines) == 1 and lines[0].startswith("Error: "), (args, res.stderr)


def _api(client: FlaskClient, params: dict[str, Any]) -> None:
    started = time.perf_counter()
    # Encoded by hand so lone surrogates go out as the invalid UTF-8 a hostile client would send.
    qs = urlencode([(k, x.encode("utf-8", "surrogatepass")) for k, v in params.items()
                    for x in (v if isinstance(v, list) else [v])])
    r = client.get("/api/search?" + qs)
    elapsed = time.perf_counter() - started
    TRIED["api"] += 1
    assert elapsed < TIME_LIMIT, (params, elapsed)
    assert r.status_code < 500, (params, r.status_code, r.get_data(as_text=True)[:300])
    assert r.is_json, (params, r.status_code)
    body = r.get_json()
    if r.status_code == 200:
        assert "results" in body and "error" not in body
    else:
        assert 400 <= r.status_code < 500 and isinstance(body.get("error"), str) and body["error"], (params, body)
    # The HTML page and the feed answer too, never with a 5xx.
    for path in ("/", "/feed"):
        page = client.get(path + "?" + qs)
        TRIED["html"] += 1
        assert page.status_code < 500, (path, params, page.status_code)


def _cli_safe(q: str) -> bool:
    # A NUL or a lone surrogate cannot be a command-line argument at all (the OS or the shell refuse it).
    return "\x00" not in q and not any(0xD800 <= ord(c) <= 0xDFFF for c in q)


def test_hostile_query_strings_cli(index: Path) -> None:
    for q in QUERIES:
        if _cli_safe(q):
            _cli(index, ["--", q])
            _cli(index, ["--json", "--", q])


def test_hostile_options_cli(index: Path) -> None:
    for page in PAGES:
        if _cli_safe(page):
            _cli(index, ["公开", "--page", page], usage_ok=True)
    for limit in LIMITS:
        _cli(index, ["公开", "--limit", limit], usage_ok=True)
    for year in YEARS:
        if _cli_safe(year):
            _cli(index, ["公开", "--year", year], usage_ok=True)
    for section in SECTIONS:
        if _cli_safe(section):
            _cli(index, ["公开", "--section", section], usage_ok=True)
    for doc_type in TYPES:
        if _cli_safe(doc_type):
            _cli(index, ["公开", "--type", doc_type], usage_ok=True)


def test_hostile_query_strings_api(client: FlaskClient) -> None:
    for q in QUERIES:
        _api(client, {"q": q})
        _api(client, {"q": q, "sort": "date", "page": "2"})


def test_hostile_options_api(client: FlaskClient) -> None:
    for page in PAGES:
        _api(client, {"q": "公开", "page": page})
    for limit in LIMITS:
        _api(client, {"q": "公开", "limit": limit})
    for year in YEARS:
        _api(client, {"q": "公开", "year": year})
    for section in SECTIONS:
        _api(client, {"q": "公开", "section": section})
    for doc_type in TYPES:
        _api(client, {"q": "公开", "type": doc_type})
    _api(client, {"q": "公开", "sort": "random"})
    _api(client, {"q": ["公开", "复议"]})


def test_random_queries(index: Path, client: FlaskClient, slow: bool) -> None:
    words = st.sampled_from(["公开", "复议", "OR", "NOT", "AND", '"', "“", "(", ")", "-", "*", "?", ":", "title:",
                             "year:", "文号:", "年份:", "2019", " ", "\t", "依申请公开"])
    text = st.one_of(st.lists(words, max_size=30).map("".join), st.text(max_size=80))

    @settings(max_examples=200 if slow else 40, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(text)
    def run(q: str) -> None:
        _api(client, {"q": q})
        if _cli_safe(q):
            _cli(index, ["--", q])

    run()


def test_cli_minus_word_is_exclusion(index: Path) -> None:
    res = CliRunner().invoke(cli, ["search", "--index", str(index), "申请", "-收费"])
    assert res.exit_code == 0, res.output


def test_query_figures() -> None:
    record("hostile_queries", f"{len(QUERIES)} handwritten queries + option values + generated ones: "
                              f"{TRIED['cli']} CLI runs, {TRIED['api']} API requests, {TRIED['html']} HTML/feed "
                              f"requests — no traceback, no 5xx, each under {TIME_LIMIT:g} s")
