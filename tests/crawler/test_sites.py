"""sites.toml parsing: defaults, validation messages that name the site and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.crawler.sites import load_sites, parse_interval, select_sites
from gongkai.errors import ConfigError

# Messages asserted in English (the tests are about what they say, not the language).
pytestmark = pytest.mark.lang("en")

REPO_SITES = Path(__file__).parents[2] / "crawler" / "sites.toml"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "sites.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_and_allowed_domains_from_start_urls(tmp_path: Path) -> None:
    (site,) = load_sites(write(tmp_path, '[[site]]\nname = "a"\nstart_urls = ["http://www.example.gov.cn/x/"]\n'))
    assert site.allowed_domains == ("www.example.gov.cn",)
    assert site.delay_seconds == 1.0 and site.max_pages == 2000 and site.max_depth == 6
    assert site.interval_seconds == 86400
    assert site.allows_host("www.example.gov.cn") and not site.allows_host("example.gov.cn.evil.com")


def test_subdomains_are_allowed(tmp_path: Path) -> None:
    (site,) = load_sites(write(tmp_path, '[[site]]\nname = "a"\nstart_urls = ["http://www.ex.gov.cn/"]\n'
                                         'allowed_domains = ["ex.gov.cn"]\nevery = "30m"\n'))
    assert site.allows_host("m.ex.gov.cn") and site.interval_seconds == 1800


@pytest.mark.parametrize(("body", "message"), [
    ('[[site]]\nstart_urls = ["http://a/"]\n', "site #1 needs a `name`"),
    ('[[site]]\nname = "a"\n', "site 'a': `start_urls` must be a non-empty list"),
    ('[[site]]\nname = "a"\nstart_urls = ["file:///etc/passwd"]\n', "site 'a': `start_urls` entry 'file:///etc/passwd'"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nevery = "often"\n', "site 'a': `every` must look like"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nmax_pages = 0\n', "site 'a': `max_pages` must be"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\ndelay_seconds = "1"\n', "site 'a': `delay_seconds`"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nmax_page = 3\n', "site 'a': unknown key `max_page`"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\nallowed_domains = ["b.cn"]\n',
     "start URL host 'a.cn' is not in `allowed_domains`"),
    ('[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\n[[site]]\nname = "a"\nstart_urls = ["http://a.cn/"]\n',
     "site 'a' is defined twice"),
    ('[[site]\n', "is not valid TOML"),
])
def test_bad_config_names_site_and_key(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_sites(write(tmp_path, body))
    assert message in str(err.value)


def test_missing_file_and_unknown_site(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no sites file at"):
        load_sites(tmp_path / "nope.toml")
    sites = load_sites(REPO_SITES)
    with pytest.raises(ConfigError, match=r"no site named 'x' in the sites file \(sites: demo\)"):
        select_sites(sites, "x")


def test_shipped_sites_file_has_the_demo_entry() -> None:
    names = [s.name for s in load_sites(REPO_SITES)]
    assert names == ["demo"]
    assert "# [[site]]" in REPO_SITES.read_text(encoding="utf-8")  # the commented real-world example


def test_parse_interval() -> None:
    assert parse_interval("6h") == 21600 and parse_interval("1d") == 86400 and parse_interval("90s") == 90
    for bad in ("", "6", "h", "-1h", "0m"):
        with pytest.raises(ValueError):
            parse_interval(bad)
