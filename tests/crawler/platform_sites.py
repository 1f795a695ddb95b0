"""Fixture sites of the platform families in FORMATS.md ("How real platforms publish their lists").

Written by us, modelled on the shapes FORMATS.md records — not copied from any real site. Each
builder writes the static files of one invented disclosure site into a folder and returns a
`FixtureSite`: its start paths, the `MockSite.apis` functions answering its XML/JSON list
requests (GET and POST, checking the form fields a real server needs), and the articles a
complete crawl must find.

| site    | family                                   | what the HTML holds / what scripts load            |
|---------|------------------------------------------|----------------------------------------------------|
| hanweb  | Hanweb JCMS: column 1201 POST, 1302 GET  | datastore block with the first group / page; the rest from dataproxy.jsp |
| fujian  | Fujian 集约化                              | page 1 static; listModel({...}) → POST /fjdzapp/search JSON |
| gkmlpt  | Guangdong gkmlpt                          | no items; /gkmlpt/api/all/{column}?page=N&sid=… JSON |
| govcn   | gov.cn policy library                     | no items; JSON search p=N&n=5, searchVO.listVO[]   |
| jsonapi | a provincial 集约化 with a JSON endpoint    | no items; "/api/content/list?…&pageNo=1&pageSize=6" in a script |
| county  | TRS portal with the hard pages           | portal, site map, TRS-paged column with a long footer sentence, a one-sentence notice, content after </html>, a folder index linking a PDF |
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from mocksite import Api, Call, MockSite, Resp, make_pdf

FOOTER = ("<div class='footer'><p>主办：{site}办公室　承办：{site}大数据中心　网站标识码：3312000001　ICP备05001234号</p>"
          "<p>本网站为{site}门户网站，建议使用1920×1080分辨率、IE10以上版本浏览器浏览本网站，以获得最佳浏览效果。</p></div>")
TOPICS = ["城乡居民基本医疗保险", "农村公路养护", "义务教育阶段招生", "城区停车收费", "安全生产检查", "防汛抗旱",
          "惠民惠农财政补贴", "政府信息公开工作", "营商环境优化", "生活垃圾分类"]
KINDS = ["通知", "公告", "实施方案", "政策解读", "工作要点"]


@dataclass(frozen=True)
class Doc:
    path: str
    title: str
    date: str  # ISO
    code: str  # a marker word in the body, to find the document by search
    meta: bool = True

    @property
    def ymd(self) -> tuple[int, int, int]:
        y, m, d = (int(x) for x in self.date.split("-"))
        return y, m, d


@dataclass
class FixtureSite:
    name: str
    root: Path
    starts: list[str]
    docs: list[Doc]
    apis: dict[str, Callable[[list[Doc]], Api]] = field(default_factory=dict)
    lists: list[str] = field(default_factory=list)  # pages that must not become documents
    files: list[str] = field(default_factory=list)  # attachments that are documents of their own
    absent: list[Doc] = field(default_factory=list)  # articles a crawl from `starts` must not reach
    pages: dict[str, str] = field(default_factory=dict)  # HTML served at paths without a file name

    def install(self, server: MockSite) -> None:
        for path, make in self.apis.items():
            server.apis[path] = make(self.docs + self.absent)
        for path, text in self.pages.items():
            server.routes[path] = [Resp(200, text, {"Content-Type": "text/html; charset=utf-8"})]


def _docs(n: int, path: Callable[[int, str], str], code: str, agency: str, start: str = "2021-01-05",
          meta: bool = True) -> list[Doc]:
    day = dt.date.fromisoformat(start)
    out = []
    for i in range(n):
        date = (day + dt.timedelta(days=11 * i)).isoformat()
        title = f"{agency}关于{TOPICS[i % len(TOPICS)]}第{i + 1}期的{KINDS[i % len(KINDS)]}"
        out.append(Doc(path(i, date), title, date, f"{code}{i + 1:02d}X", meta))
    return out


def article_html(doc: Doc, site: str, agency: str, column: str) -> str:
    meta = (f"<meta name='SiteName' content='{site}'><meta name='ColumnName' content='{column}'>"
            f"<meta name='ArticleTitle' content='{escape(doc.title)}'><meta name='PubDate' content='{doc.date} 09:30'>"
            f"<meta name='ContentSource' content='{agency}'>") if doc.meta else ""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{meta}<title>{escape(doc.title)}_{site}</title></head>"
            f"<body><div class='nav'><a href='/'>首页</a></div>"
            f"<div class='crumb'>当前位置：首页 > 政务公开 > {column}</div><h1>{escape(doc.title)}</h1>"
            f"<div class='info'>发布日期：{doc.date}　来源：{agency}</div><div class='TRS_Editor'>"
            f"<p>为进一步做好{TOPICS[int(doc.code[-3:-1]) % len(TOPICS)]}相关工作，{agency}根据有关规定，结合本地实际，"
            f"现将有关事项{KINDS[0]}如下。</p><p>一、各单位要高度重视，明确责任分工，确保各项措施落到实处，识别码{doc.code}。</p>"
            f"<p>二、请各乡镇、各部门于规定时间内报送工作进展情况。</p></div>{FOOTER.format(site=site)}</body></html>")


def _write(root: Path, path: str, text: str) -> None:
    target = root / path.lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _portal(root: Path, site: str, columns: dict[str, str]) -> None:
    links = "".join(f"<li><a href='{href}'>{escape(name)}</a></li>" for name, href in columns.items())
    _write(root, "/index.html", f"<html><head><meta charset='utf-8'><title>{site}</title></head><body>"
                                f"<div class='nav'><ul>{links}</ul></div>{FOOTER.format(site=site)}</body></html>")
    _write(root, "/robots.txt", "User-agent: *\nDisallow: /admin/\n")


def _column_page(site: str, column: str, body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='SiteName' content='{site}'>"
            f"<meta name='ColumnName' content='{column}'>{head}<title>{column}_{site}</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a></div><h2>{column}</h2>{body}{FOOTER.format(site=site)}</body></html>")


def _li(doc: Doc, href: str | None = None) -> str:
    return (f"<li><a href='{href or doc.path}' title='{escape(doc.title)}' target='_blank'>{escape(doc.title)}</a>"
            f"<span>{doc.date}</span></li>")


def _articles(root: Path, docs: list[Doc], site: str, agency: str, column: str) -> None:
    for d in docs:
        _write(root, d.path, article_html(d, site, agency, column))


# -- Hanweb ----------------------------------------------------------------------------------------

HW_SITE, HW_AGENCY = "青溪县人民政府", "青溪县人民政府办公室"


def _datastore(records: list[Doc], total: int, pages: int, nextgroup: str = "") -> str:
    recs = "".join(f"<record><![CDATA[{_li(d)}]]></record>" for d in records)
    return (f"<datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup><recordset>{recs}</recordset>"
            f"<totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage></datastore>")


def build_hanweb(root: Path) -> FixtureSite:
    post = _docs(23, lambda i, d: f"/art/{d[:4]}/{int(d[5:7])}/{int(d[8:])}/art_1201_{4100 + i}.html", "HWP", HW_AGENCY)
    get = _docs(14, lambda i, d: f"/art/{d[:4]}/{int(d[5:7])}/{int(d[8:])}/art_1302_{5200 + i}.html", "HWG", HW_AGENCY,
                start="2022-03-01")
    _portal(root, HW_SITE, {"通知公告": "/col/col1201/index.html", "政策解读": "/col/col1302/index.html"})
    _articles(root, post, HW_SITE, HW_AGENCY, "通知公告")
    _articles(root, get, HW_SITE, HW_AGENCY, "政策解读")
    # Column 1201: the first group (2 pages of 5) in the page; jpage.js POSTs for the next groups.
    script = ("<script type='text/javascript' src='/module/web/jpage/jpage.js'></script><script>"
              "$(function(){ $('#div1201').jpage({ dataStore: dataStore1201, perPage: 5, groupSize: 2, "
              "proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: { col: 1, appid: 1, webid: 3, path: '/', "
              f"columnid: 1201, sourceContentType: 1, unitid: 5678, webname: '{HW_SITE}', permissiontype: 0 }} }}); }});"
              "</script>")
    block = f"<div id='div1201'><script type='text/xml'>{_datastore(post[:10], len(post), 5)}</script></div>"
    _write(root, "/col/col1201/index.html", _column_page(HW_SITE, "通知公告", block + script))
    # Column 1302: page 1 in the page; the other pages by GET dataproxy.jsp?page=N (named in nextgroup).
    nxt = (f"<a href='/module/web/jpage/dataproxy.jsp?page=1&amp;appid=1&amp;webid=3&amp;path=/&amp;columnid=1302"
           f"&amp;unitid=9031&amp;webname={quote(HW_SITE)}&amp;permissiontype=0&amp;perpage=6'></a>")
    block = f"<div id='div9031'><script type='text/xml'>{_datastore(get[:6], len(get), 3, nxt)}</script></div>"
    _write(root, "/col/col1302/index.html", _column_page(HW_SITE, "政策解读", block))

    def proxy(docs: list[Doc]) -> Api:
        def answer(c: Call) -> Resp:
            args = {**c.query, **c.form}
            column = args.get("columnid")
            rows = [d for d in docs if f"/art_{column}_" in d.path]
            ok = args.get("webid") == "3" and args.get("unitid") in ("5678", "9031") and rows
            if c.method == "POST" and ok and c.query.get("startrecord"):
                start, end = int(c.query["startrecord"]), int(c.query["endrecord"])
                per = int(c.query.get("perpage") or 5)
                body = _datastore(rows[start - 1:end], len(rows), -(-len(rows) // per))
            elif c.method == "GET" and ok and args.get("page", "").isdigit():
                per, n = int(args.get("perpage") or 6), int(args["page"])
                body = _datastore(rows[(n - 1) * per:n * per], len(rows), -(-len(rows) // per))
            else:  # what the real proxy does without its form: an empty store
                body = _datastore([], 0, 0)
            return Resp(200, "<?xml version='1.0' encoding='UTF-8'?>" + body, {"Content-Type": "text/xml;charset=UTF-8"})

        return answer

    return FixtureSite("hanweb", root, ["/col/col1201/index.html", "/col/col1302/index.html"], post + get,
                       {"/module/web/jpage/dataproxy.jsp": proxy}, lists=["/", "/col/col1201/index.html"])


# -- Fujian 集约化 ----------------------------------------------------------------------------------

FJ_SITE, FJ_AGENCY = "青溪区人民政府", "青溪区人民政府办公室"
FJ_ARGS = {"channelid": "3f8c1a", "classsql": "chnlid=4521"}


def build_fujian(root: Path) -> FixtureSite:
    docs = _docs(21, lambda i, d: f"/zwgk/tzgg/{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{7001 + i}.htm", "FJ", FJ_AGENCY)
    _portal(root, FJ_SITE, {"通知公告": "/zwgk/tzgg/index.htm"})
    _articles(root, docs, FJ_SITE, FJ_AGENCY, "通知公告")
    items = "".join(_li(d, "./" + d.path.split("/tzgg/", 1)[1]) for d in docs[:8])
    script = ("<script src='/static/js/listModel.js'></script><script>"
              "listModel({ maxStaticIndex: 1, listArgs: { channelid: '3f8c1a', classsql: \"chnlid=4521\", "
              "sortfield: '-docorderpri,-docreltime', prepage: 8, templetid: 'list' }, "
              "onRender: function (data) { return data.map(function (x) { return x.doctitle; }); } });</script>")
    _write(root, "/zwgk/tzgg/index.htm", _column_page(FJ_SITE, "通知公告", f"<ul class='list'>{items}</ul>{script}"))

    def search(docs: list[Doc]) -> Api:
        def answer(c: Call) -> Resp:
            f = c.form
            if c.method != "POST" or any(f.get(k) != v for k, v in FJ_ARGS.items()):
                return Resp(200, json.dumps({"code": "1", "msg": "参数错误", "data": []}),
                            {"Content-Type": "application/json"})
            per, n = int(f.get("prepage") or 8), int(f.get("page") or 1)
            rows = []
            for d in docs[(n - 1) * per:n * per]:
                row = {"doctitle": d.title, "docreltime": f"{d.date} 10:00:00", "docid": d.code}
                # chnldocurl relative to the column page; some records carry only docpuburl (absolute)
                if int(d.code[2:4]) % 2:
                    row["chnldocurl"] = "./" + d.path.split("/tzgg/", 1)[1]
                else:
                    row["docpuburl"] = c.base + d.path
                rows.append(row)
            return Resp(200, json.dumps({"code": "0", "total": len(docs), "page": n, "data": rows}, ensure_ascii=False),
                        {"Content-Type": "application/json;charset=UTF-8"})

        return answer

    return FixtureSite("fujian", root, ["/zwgk/tzgg/index.htm"], docs, {"/fjdzapp/search": search},
                       lists=["/zwgk/tzgg/index.htm"])


# -- Guangdong gkmlpt -------------------------------------------------------------------------------

GD_SITE, GD_AGENCY, GD_SID = "青溪市人民政府", "青溪市人民政府办公室", "755031"


def build_gkmlpt(root: Path) -> FixtureSite:
    reports = _docs(14, lambda i, d: f"/gkmlpt/content/2/2671/post_{3860100 + i}.html", "GD", GD_AGENCY)
    other = _docs(3, lambda i, d: f"/gkmlpt/content/2/2672/post_{3860900 + i}.html", "GDO", GD_AGENCY)
    _portal(root, GD_SITE, {"政府信息公开目录": "/gkmlpt/index"})
    _articles(root, reports + other, GD_SITE, GD_AGENCY, "政府信息公开目录")
    nav = "".join(f"<li><a href='/gkmlpt/index#{c}'>{n}</a></li>" for c, n in (("2671", "通知公告"), ("2672", "规划计划")))
    script = (f"<script>window._CONFIG = {{ SID: '{GD_SID}', ROOT: '/gkmlpt/' }};</script>"
              "<script src='/gkmlpt/static/js/app.js'></script>")
    page = _column_page(GD_SITE, "政府信息公开目录", f"<ul class='tree'>{nav}</ul><div id='app'></div>{script}")

    def api(docs: list[Doc]) -> Api:
        def answer(c: Call) -> Resp:
            column = c.path.rsplit("/", 1)[-1]
            rows = [d for d in docs if f"/{column}/" in d.path] if c.query.get("sid") == GD_SID else []
            n, per = int(c.query.get("page") or 1), 10
            arts = [{"id": int(d.path.rsplit("_", 1)[1][:-5]), "identifier": f"11441300007-2671-{d.date[:4]}-{d.code}",
                     "publisher": GD_AGENCY, "title": d.title, "url": f"{c.base}{d.path}#{column}",
                     "created_at": f"{d.date} 16:20:00"} for d in rows[(n - 1) * per:n * per]]
            return Resp(200, json.dumps({"total": len(rows), "articles": arts}, ensure_ascii=False),
                        {"Content-Type": "application/json"})

        return answer

    return FixtureSite("gkmlpt", root, ["/gkmlpt/index#2671"], reports,
                       {"/gkmlpt/api/all/2671": api, "/gkmlpt/api/all/2672": api}, lists=["/gkmlpt/index"],
                       absent=other, pages={"/gkmlpt/index": page})


# -- gov.cn policy library ---------------------------------------------------------------------------

GOV_SITE, GOV_AGENCY = "中国政府网", "国务院办公厅"


def build_govcn(root: Path) -> FixtureSite:
    docs = _docs(12, lambda i, d: f"/zhengce/content/{d[:7]}/{d[8:]}/content_{5735001 + i}.htm", "GOV", GOV_AGENCY,
                 start="2023-01-05")
    _portal(root, GOV_SITE, {"政策文件库": "/zhengce/zhengceku/"})
    _articles(root, docs, GOV_SITE, GOV_AGENCY, "政策")
    script = ("<script>var searchApi = \"/search-gov/data?t=zhengcelibrary&q=&sort=pubtime&sortType=1&p=1&n=5\";"
              "function render(res) { var list = res.searchVO.listVO; for (var i = 0; i < list.length; i++) {"
              " document.write(list[i].title); } }</script>")
    _write(root, "/zhengce/zhengceku/", _column_page(GOV_SITE, "政策文件库", f"<div id='list'></div>{script}"))

    def search(docs: list[Doc]) -> Api:
        def answer(c: Call) -> Resp:
            if c.query.get("t") != "zhengcelibrary":
                return Resp(200, json.dumps({"code": 1001, "msg": "参数错误"}), {"Content-Type": "application/json"})
            n, per = int(c.query.get("p") or 1), int(c.query.get("n") or 5)
            rows = [{"title": d.title.replace(GOV_AGENCY, f"<em>{GOV_AGENCY}</em>"), "url": c.base + d.path,
                     "pubtimeStr": d.date.replace("-", "."), "ptime": 0, "puborg": GOV_AGENCY}
                    for d in docs[(n - 1) * per:n * per]]
            return Resp(200, json.dumps({"code": 200, "searchVO": {"listVO": rows, "totalCount": len(docs)}},
                                        ensure_ascii=False), {"Content-Type": "application/json"})

        return answer

    return FixtureSite("govcn", root, ["/zhengce/zhengceku/"], docs, {"/search-gov/data": search},
                       lists=["/zhengce/zhengceku/"])


# -- a provincial platform with a JSON endpoint in a script ------------------------------------------

JS_SITE, JS_AGENCY = "青溪市人民政府", "青溪市交通运输局"


def _hex(i: int) -> str:
    return hashlib.md5(f"jsonapi-{i}".encode()).hexdigest()  # noqa: S324 - a fixture id, not security


def build_jsonapi(root: Path) -> FixtureSite:
    docs = _docs(14, lambda i, d: f"/qxs/tzgg/{d[:4]}{d[5:7]}/{_hex(i)}.shtml", "JS", JS_AGENCY)
    _portal(root, JS_SITE, {"通知公告": "/qxs/tzgg/index.shtml"})
    _articles(root, docs, JS_SITE, JS_AGENCY, "通知公告")
    script = ("<script>$(function () { $.getJSON(\"/api/content/list?channelId=88&pageNo=1&pageSize=6\", "
              "function (res) { $('#list').html(res.data.list.map(function (x) { return x.title; }).join('')); }); "
              "});</script>")
    _write(root, "/qxs/tzgg/index.shtml", _column_page(JS_SITE, "通知公告", f"<ul id='list'></ul>{script}"))

    def api(docs: list[Doc]) -> Api:
        def answer(c: Call) -> Resp:
            n, per = int(c.query.get("pageNo") or 1), int(c.query.get("pageSize") or 6)
            rows = [{"id": i, "title": d.title, "linkUrl": d.path, "publishDate": f"{d.date} 08:00:00"}
                    for i, d in enumerate(docs[(n - 1) * per:n * per])] if c.query.get("channelId") == "88" else []
            return Resp(200, json.dumps({"code": 0, "data": {"total": len(docs) if rows else 0, "list": rows}},
                                        ensure_ascii=False), {"Content-Type": "application/json"})

        return answer

    return FixtureSite("jsonapi", root, ["/qxs/tzgg/index.shtml"], docs, {"/api/content/list": api},
                       lists=["/qxs/tzgg/index.shtml"])


# -- a county portal with the pages that fool a parser ------------------------------------------------

CT_SITE, CT_AGENCY = "青溪县人民政府", "青溪县水务局"


def build_county(root: Path) -> FixtureSite:
    column = _docs(7, lambda i, d: f"/xxgk/tzgg/{d[:4]}{d[5:7]}/t{d.replace('-', '')}_{8801 + i}.html", "CT",
                   CT_AGENCY, meta=False)
    notice = Doc("/xxgk/tzgg/tingshui.html", "关于城区部分区域临时停水的通知", "2024-03-05", "CTNOTICE", meta=False)
    late = Doc("/xxgk/ndbg/report2023.html", "青溪县水务局2023年政府信息公开工作年度报告", "2024-01-20", "CTLATE",
               meta=False)
    _write(root, "/robots.txt", "User-agent: *\nDisallow: /admin/\n")
    _articles(root, column, CT_SITE, CT_AGENCY, "通知公告")
    # A one-sentence notice: no meta tags, a plain URL, one sentence of text.
    _write(root, notice.path, (
        f"<html><head><meta charset='utf-8'><title>{notice.title}</title></head><body><div class='nav'>"
        f"<a href='/'>首页</a></div><h1>{notice.title}</h1><div class='info'>发布时间：{notice.date}</div>"
        f"<div class='content'><p>因供水管道维修，定于3月6日8:00至18:00暂停城区部分区域供水，请相互转告，识别码{notice.code}。</p>"
        f"</div>{FOOTER.format(site=CT_SITE)}</body></html>"))
    # Markup closed before the content (a template's stray </body></html>).
    _write(root, late.path, (
        f"<html><head><meta charset='utf-8'><title>{late.title}</title></head><body><div class='nav'><a href='/'>首页</a>"
        f"</div></body></html><h1>{late.title}</h1><div class='TRS_Editor'><p>一、总体情况</p><p>2023年，青溪县水务局认真贯彻"
        f"落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息三百二十条，识别码{late.code}。</p><p>二、主动公开政府信息情况"
        f"</p><p>主动公开规范性文件三件，办理依申请公开五件，均按期答复。</p></div>"))
    # The notices column: TRS paging over two pages, a long footer sentence, no article text.
    half = [*column, notice]
    for n, part in enumerate((half[:4], half[4:])):
        items = "".join(_li(d) for d in part)
        name = "index.html" if n == 0 else f"index_{n}.html"
        _write(root, f"/xxgk/tzgg/{name}", (
            f"<html><head><meta charset='utf-8'><title>通知公告_{CT_SITE}</title></head><body><div class='nav'>"
            f"<a href='/'>首页</a></div><ul class='list'>{items}</ul><div class='page'><script>createPageHTML(2, {n}, "
            f"\"index\", \"html\");</script></div>{FOOTER.format(site=CT_SITE)}</body></html>"))
    # A portal: headlines and a welcome paragraph; a site map; a folder index linking a PDF.
    heads = "".join(f"<li><a href='{d.path}'>{d.title}</a></li>" for d in column[:6])
    welcome = "<p>欢迎访问青溪县人民政府门户网站，这里发布全县政务信息、办事指南和便民服务，我们将竭诚为您服务。</p>"
    _write(root, "/index.html", (
        f"<html><head><meta charset='utf-8'><title>{CT_SITE}</title></head><body><div class='nav'>"
        f"<a href='/xxgk/tzgg/index.html'>通知公告</a> <a href='/sitemap.html'>网站地图</a> <a href='/files/'>资料下载</a>"
        f" <a href='{late.path}'>年度报告</a></div>{welcome}<ul class='news'>{heads}</ul>{FOOTER.format(site=CT_SITE)}"
        "</body></html>"))
    columns = "".join(f"<a href='/xxgk/col{i}/'>栏目{i}</a> " for i in range(1, 13))
    _write(root, "/sitemap.html", f"<html><head><meta charset='utf-8'><title>网站地图</title></head><body><h1>网站地图</h1>"
                                  f"<div>{columns}<a href='/xxgk/tzgg/index.html'>通知公告</a></div></body></html>")
    files = root / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "qx2022ndbg.pdf").write_bytes(make_pdf("Qingxi water bureau annual report 2022\nMarker CTFOLDERPDF\n"))
    _write(root, "/files/index.html", (
        "<html><head><title>Index of /files/</title></head><body><h1>Index of /files/</h1><hr><pre>"
        "<a href='../'>../</a>\n<a href='qx2022ndbg.pdf'>qx2022ndbg.pdf</a>                 12-Jan-2023 10:20   81234\n"
        "</pre><hr></body></html>"))
    return FixtureSite("county", root, ["/"], [*column, notice, late], files=["/files/qx2022ndbg.pdf"],
                       lists=["/", "/sitemap.html", "/files/", "/xxgk/tzgg/index.html", "/xxgk/tzgg/index_1.html"])


BUILDERS = {"hanweb": build_hanweb, "fujian": build_fujian, "gkmlpt": build_gkmlpt, "govcn": build_govcn,
            "jsonapi": build_jsonapi, "county": build_county}
