"""Site definitions: ``crawler/sites.toml`` parsed into `Site` records.

Each ``[[site]]`` table names one disclosure site to crawl::

    [[site]]
    name = "demo"                          # required, unique
    start_urls = ["http://127.0.0.1:8000/"]  # required, http/https only
    allowed_domains = ["127.0.0.1"]        # default: the hosts of start_urls
    delay_seconds = 1.0                    # pause between two requests to one host (default 1.0;
                                           # a longer robots.txt Crawl-delay wins)
    response_timeout_seconds = 60          # one response, headers to last byte (default 60)
    max_pages = 2000                       # fetches per crawl of this site (default 2000)
    max_depth = 6                          # link hops from a start URL; pagination adds none (default 6)
    every = "6h"                           # schedule interval: "30m", "6h", "1d", "90s" (default "1d")
    list_selector = "ul.list"              # optional CSS hints; the generic rules need none
    next_selector = "a.next"
    body_selector = "div.TRS_Editor"
    platform = "hanweb"                    # optional: the platform loader of every page (skips detection)

A mistake raises `ConfigError` naming the site and the key, so the user can fix the file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gongkai.errors import ConfigError
from gongkai.i18n import _
from gongkai.urls import normalize_url

DEFAULT_DELAY = 1.0
DEFAULT_RESPONSE_TIMEOUT = 60.0
DEFAULT_MAX_PAGES = 2000
DEFAULT_MAX_DEPTH = 6
DEFAULT_EVERY = "1d"

_KNOWN_KEYS = {
    "name", "start_urls", "allowed_domains", "delay_seconds", "response_timeout_seconds", "max_pages",
    "max_depth", "every",
    "list_selector", "next_selector", "body_selector", "platform",
}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Site:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...] = ()
    delay_seconds: float = DEFAULT_DELAY
    response_timeout_seconds: float = DEFAULT_RESPONSE_TIMEOUT
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int = DEFAULT_MAX_DEPTH
    every: str = DEFAULT_EVERY
    list_selector: str | None = None
    next_selector: str | None = None
    body_selector: str | None = None
    platform: str | None = None
    interval_seconds: float = field(default=86400.0, compare=False)

    def allows_host(self, host: str | None) -> bool:
        """True when `host` is an allowed domain or a subdomain of one."""
        if not host:
            return False
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def parse_interval(value: str) -> float:
    """"6h" -> 21600.0. Raises ValueError on anything else."""
    m = _INTERVAL.match(value)
    if not m or float(m.group(1)) <= 0:
        raise ValueError(value)
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]


def load_sites(path: Path | str) -> list[Site]:
    """Read and validate a sites file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(_("no sites file at {path} — create it (see crawler/sites.toml) or pass --sites FILE.").format(path=path)) from None
    except OSError as e:
        raise ConfigError(_("cannot read the sites file {path}: {strerror}.").format(path=path, strerror=e.strerror)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(_("{path} is not valid TOML: {e}. Fix the file and run again.").format(path=path, e=e)) from None
    tables = data.get("site", [])
    if not isinstance(tables, list):
        raise ConfigError(_("{path}: use [[site]] tables (an array of tables), not [site].").format(path=path))
    sites: list[Site] = []
    seen: set[str] = set()
    for i, table in enumerate(tables, 1):
        site = _parse_site(path, i, table)
        if site.name in seen:
            raise ConfigError(_("{path}: site {name!r} is defined twice; site names must be unique.").format(path=path, name=site.name))
        seen.add(site.name)
        sites.append(site)
    return sites


def select_sites(sites: list[Site], name: str | None) -> list[Site]:
    if name is None:
        return sites
    for s in sites:
        if s.name == name:
            return [s]
    known = ", ".join(s.name for s in sites) or "none"
    raise ConfigError(_("no site named {name!r} in the sites file (sites: {known}).").format(name=name, known=known))


def _parse_site(path: Path, i: int, t: Any) -> Site:
    if not isinstance(t, dict):
        raise ConfigError(_("{path}: site #{i} is not a table.").format(path=path, i=i))
    name = t.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(_("{path}: site #{i} needs a `name` (a non-empty string).").format(path=path, i=i))
    label = f"{path}: site {name!r}"

    unknown = sorted(set(t) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(_("{label}: unknown key `{value}` (known keys: {value2}).").format(label=label, value=unknown[0], value2=', '.join(sorted(_KNOWN_KEYS))))

    starts = t.get("start_urls")
    if isinstance(starts, str):
        starts = [starts]
    if not isinstance(starts, list) or not starts or not all(isinstance(u, str) for u in starts):
        raise ConfigError(_("{label}: `start_urls` must be a non-empty list of URLs.").format(label=label))
    hosts: list[str] = []
    for u in starts:
        normal = normalize_url(u)
        if not normal:
            raise ConfigError(_("{label}: `start_urls` entry {u!r} is not a usable http(s) URL: {reason}.").format(label=label, u=u, reason=normal.reason))
        hosts.append(urlsplit(normal.url).hostname or "")

    domains = t.get("allowed_domains", hosts)
    if isinstance(domains, str):
        domains = [domains]
    if not isinstance(domains, list) or not domains or not all(isinstance(d, str) and d for d in domains):
        raise ConfigError(_("{label}: `allowed_domains` must be a non-empty list of host names.").format(label=label))
    domains = [d.lower().strip().rstrip(".") for d in domains]
    for h in hosts:
        if not any(h == d or h.endswith("." + d) for d in domains):
            raise ConfigError(_("{label}: start URL host {h!r} is not in `allowed_domains`.").format(label=label, h=h))

    delay = _number(label, t, "delay_seconds", DEFAULT_DELAY, minimum=0)
    response_timeout = _number(label, t, "response_timeout_seconds", DEFAULT_RESPONSE_TIMEOUT, minimum=0.1)
    max_pages = _integer(label, t, "max_pages", DEFAULT_MAX_PAGES, minimum=1)
    max_depth = _integer(label, t, "max_depth", DEFAULT_MAX_DEPTH, minimum=0)
    every = t.get("every", DEFAULT_EVERY)
    try:
        interval = parse_interval(every) if isinstance(every, str) else parse_interval("")
    except ValueError:
        raise ConfigError(_("{label}: `every` must look like \"30m\", \"6h\" or \"1d\", not {every!r}.").format(label=label, every=every)) from None

    hints: dict[str, str | None] = {}
    for key in ("list_selector", "next_selector", "body_selector"):
        v = t.get(key)
        if v is not None and (not isinstance(v, str) or not v.strip()):
            raise ConfigError(_("{label}: `{key}` must be a CSS selector string.").format(label=label, key=key))
        hints[key] = v
    platform = t.get("platform")
    if platform is not None:
        from gongkai.crawler import platforms

        known = platforms.names()
        if not isinstance(platform, str) or platform not in known:
            raise ConfigError(_("{label}: `platform` must be one of {value}, not {platform!r} (or leave it out: the platform is detected from the pages).").format(label=label, value=', '.join(known), platform=platform))
        hints["platform"] = platform
    return Site(
        name=name.strip(), start_urls=tuple(starts), allowed_domains=tuple(domains), delay_seconds=delay,
        response_timeout_seconds=response_timeout, max_pages=max_pages, max_depth=max_depth, every=every, interval_seconds=interval, **hints,
    )


def _number(label: str, t: dict[str, Any], key: str, default: float, *, minimum: float) -> float:
    v = t.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or v < minimum:
        raise ConfigError(_("{label}: `{key}` must be a number ≥ {minimum}, not {v!r}.").format(label=label, key=key, minimum=minimum, v=v))
    return float(v)


def _integer(label: str, t: dict[str, Any], key: str, default: int, *, minimum: int) -> int:
    v = t.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        raise ConfigError(_("{label}: `{key}` must be a whole number ≥ {minimum}, not {v!r}.").format(label=label, key=key, minimum=minimum, v=v))
    return v
