"""When a page that answers 200 has in fact been taken down ("removed from its site").

404 and 410 say it plainly. Many disclosure sites say it otherwise: the CMS answers 200 with its
"page not found" template (您访问的页面不存在或已被删除, 信息已撤销), or redirects the article's URL to
the column or the home page. A page that no longer lists an article is no evidence (columns move
old documents to archives and keep their URLs), so the evidence looked at is the answer at the
document's own URL, compared with what the URL held before:

- an article whose URL now redirects to a page that reads as a list (the column, the home page);
- an article whose URL now answers with a "not found" notice: the phrase (页面不存在, 信息已删除 …)
  in a page that no longer reads as an article or has almost no text, where the version before did
  not have it (a 政府信息不存在告知书 is itself a document);
- a file (PDF, DOCX …) whose URL now answers with a web page.

Pure: the caller passes what it fetched and what the store knew.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gongkai.crawler.markup import parse_html
from gongkai.crawler.state import Page
from gongkai.extract import decode_bytes
from gongkai.urls import normalize_url

NOTICE_CHARS = 600  # a page with less visible text than this is a notice, not an article
_NOT_FOUND = re.compile(
    r"(页面|网页|文章|信息|内容|文档|稿件|文件)(已经?被?(删除|撤销|撤下|撤回|下线|移除)|不存在|找不到|未找到|无法找到)"
    r"|找不到(该|您要|您所)?(访问的|要访问的|查看的)?(页面|网页|文章|信息)"
    r"|\b404\b.{0,12}(not\s*found|错误|页面)|page\s+not\s+found",
    re.I,
)


def _is_file(body: bytes, content_type: str) -> bool:
    ctype = content_type.lower()
    return body[:5] == b"%PDF-" or body[:4] == b"PK\x03\x04" or not ("html" in ctype or "text/" in ctype)


def _visible(body: bytes, content_type: str) -> tuple[str, str]:
    """(title, visible text) of an HTML body."""
    text, _ = decode_bytes(body, {"content-type": content_type} if content_type else None)
    soup = parse_html(text)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "noscript", "title"]):
        tag.decompose()
    return title, re.sub(r"\s+", "", soup.get_text(" "))


def removal(prev: Page | None, url: str, final_url: str, body: bytes, content_type: str, role: str,
            before: Callable[[], bytes | None]) -> str:
    """Why this 200 answer means the document at `url` was taken down, or '' when it does not.
    `before` gives the bytes the URL held before (read only when needed)."""
    if prev is None or not prev.has_raw or prev.role not in ("article", "attachment"):
        return ""
    if prev.role == "attachment":
        if prev.kind == "attachment" and not _is_file(body, content_type):
            return "the file's URL now answers with a web page instead of the file (taken down)"
        return ""
    if _is_file(body, content_type):
        return ""
    moved = bool(final_url) and normalize_url(final_url).url != normalize_url(url).url
    if moved and role == "list":
        return f"the article's URL now redirects to a list page ({final_url}): taken down"
    title, text = _visible(body, content_type)
    if not _NOT_FOUND.search(title + " " + text) or (role == "article" and len(text) >= NOTICE_CHARS):
        return ""
    old = before()
    if old is not None and _NOT_FOUND.search(" ".join(_visible(old, prev.content_type))):
        return ""  # the document itself speaks of missing pages or information
    return "the article's URL now answers with a \"page not found\" notice (HTTP 200): taken down"
