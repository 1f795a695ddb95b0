"""A 200 answer that means the document was taken down (soft 404s), and what is not evidence of it."""

from __future__ import annotations

from gongkai.crawler.gone import removal
from gongkai.crawler.state import Page

ARTICLE = ("<html><head><meta charset='utf-8'><title>关于做好2020年政务公开工作的通知</title></head><body>"
           "<div class='TRS_Editor'>" + "<p>各乡镇人民政府，县政府各部门：现将有关事项通知如下。</p>" * 20 + "</div></body></html>")
NOT_FOUND = ("<html><head><meta charset='utf-8'><title>提示</title></head><body><p>抱歉，您访问的页面不存在或已被删除！</p>"
             "<a href='/'>返回首页</a></body></html>")


def page(role: str = "article", kind: str = "page") -> Page:
    return Page(url="http://a.gov.cn/1.html", site="t", kind=kind, depth=1, status="ok", http_status=200, etag=None,
                last_modified=None, content_hash="x", fetched_at=1.0, error="", content_type="text/html", final_url="",
                role=role, doc_id="d", dirty=0, has_raw=True)


def gone(prev: Page | None, body: str | bytes, role: str = "article", final_url: str = "", before: str = ARTICLE,
         content_type: str = "text/html; charset=utf-8") -> str:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return removal(prev, "http://a.gov.cn/1.html", final_url, data, content_type, role, lambda: before.encode("utf-8"))


def test_a_not_found_notice_at_an_article_url_is_a_removal() -> None:
    assert gone(page(), NOT_FOUND, role="article") == (
        "the article's URL now answers with a \"page not found\" notice (HTTP 200): taken down")
    assert gone(page(), NOT_FOUND.replace("页面不存在或已被删除", "信息已撤销"), role="list") != ""


def test_a_redirect_to_a_list_is_a_removal_and_to_another_article_is_not() -> None:
    assert gone(page(), "<html><body>list</body></html>", role="list", final_url="http://a.gov.cn/") == (
        "the article's URL now redirects to a list page (http://a.gov.cn/): taken down")
    assert gone(page(), ARTICLE, role="article", final_url="http://a.gov.cn/2.html") == ""


def test_no_removal_without_evidence() -> None:
    assert gone(None, NOT_FOUND) == ""  # never stored: nothing was taken down
    assert gone(page(role="list"), NOT_FOUND, role="list") == ""  # lists change; they are no documents
    assert gone(page(), ARTICLE) == ""
    long_article = ARTICLE.replace("现将有关事项通知如下。", "现将有关事项通知如下，相关页面不存在的问题已整改。")
    assert gone(page(), long_article, role="article") == ""  # a long article that mentions the words


def test_a_document_about_missing_information_is_no_removal() -> None:
    notice = ("<html><head><meta charset='utf-8'><title>政府信息不存在告知书</title></head><body>"
              "<p>经查，您申请的信息不存在。</p></body></html>")
    assert gone(page(), notice, role="article", before=notice.replace("经查", "经检索")) == ""


def test_a_file_url_answering_a_web_page_is_a_removal() -> None:
    assert gone(page(role="attachment", kind="attachment"), NOT_FOUND, role="attachment") == (
        "the file's URL now answers with a web page instead of the file (taken down)")
    assert gone(page(role="attachment", kind="attachment"), b"%PDF-1.4 ...", role="attachment",
                content_type="application/pdf") == ""
