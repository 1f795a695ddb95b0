"""The crawler: fetch disclosure sites politely, keep every page in a store, keep the index in sync.

Pipeline stages, one module each:
    sites     sites.toml -> Site records (ConfigError on mistakes)
    fetch     HTTP with robots.txt, per-host delay, retries, redirects in scope, size limits
    robots    robots.txt rules per origin
    links     link discovery: articles, pagination (下一页, TRS scripts, ?page=N), attachments
    frontier  the per-site queue (kept in the store, so a killed crawl resumes)
    state     the SQLite store of pages, documents and the queue; the crawl lock
    archive   page versions with their bytes, each document's history (added, changed, withdrawn)
    gone      when a 200 answer means the page was taken down
    sync      stored pages -> documents -> index (dedupe, attachments); reindex
    run       one crawl of some sites; schedule: the periodic loop; server: a static site server
    commands  the click commands (crawl, crawl-log, reindex, schedule, demo); changes: `gongkai changes`
"""

from gongkai.crawler.fetch import USER_AGENT, Fetcher, FetchResult, FetchSettings, make_client
from gongkai.crawler.run import CrawlStats, crawl, reindex
from gongkai.crawler.schedule import Scheduler
from gongkai.crawler.server import SiteServer
from gongkai.crawler.sites import Site, load_sites, parse_interval, select_sites
from gongkai.crawler.state import CrawlLock, StateStore

__all__ = [
    "USER_AGENT", "CrawlLock", "CrawlStats", "FetchResult", "FetchSettings", "Fetcher", "Scheduler", "Site",
    "SiteServer", "StateStore", "crawl", "load_sites", "make_client", "parse_interval", "reindex", "select_sites",
]
