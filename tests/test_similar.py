"""相似文件: documents of the same type first (the same agency a little ahead), nothing unrelated."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from factory import make_doc
from gongkai.index import open_searcher
from gongkai.models import Document, Section, content_hash, document_id


def _notice(n: int, title: str, text: str, agency: str = "青溪市人民政府办公室") -> Document:
    url = f"http://www.qingxi.example.gov.cn/tzgg/{n}.html"
    doc = Document(id=document_id(url), url=url, title=title, agency=agency, doc_type="notice", year=2023,
                   published=f"2023-05-{n:02d}", sections=[Section("", "", "overview", text)])
    doc.content_hash = content_hash(doc)
    return doc


OPEN_DAY = _notice(1, "关于举办2023年政府开放日活动的通知",
                   "为进一步推进政务公开，我市定于5月20日举办政府开放日活动，邀请市民走进政府机关，"
                   "参观政务服务大厅，了解政府信息公开工作。报名请拨打热线。")
OPEN_DAY_2 = _notice(2, "关于2023年第二期政府开放日活动报名的通知",
                     "第二期政府开放日活动定于6月举办，市民可报名参观政务服务大厅，现场了解政府信息公开工作。",
                     agency="白沙县人民政府")
WATER = _notice(3, "关于青溪路段临时停水的通知", "因管网维修，青溪路段5月8日临时停水，请居民提前储水。")


def test_similar_prefers_the_same_type_and_shows_nothing_unrelated(
    make_index: Callable[[Iterable[Document]], Path],
) -> None:
    reports = [make_doc(i) for i in range(12)]
    index = make_index([*reports, OPEN_DAY, OPEN_DAY_2, WATER])
    with open_searcher(index) as h:
        # the open-day notice: the other open-day notice, not the annual reports that mention disclosure too
        assert [d["id"] for d in h.similar(OPEN_DAY.id)] == [OPEN_DAY_2.id]
        # a notice sharing no distinctive words with anything: nothing rather than something
        assert h.similar(WATER.id) == []
        # an annual report: annual reports, its own agency's first
        found = h.similar(reports[0].id)
        assert found and all(d["type"] == "annual_report" for d in found)
        assert found[0]["agency"] == reports[0].agency
