"""The compiled-dictionary segmenter (``dictseg``) cuts every text exactly as rjieba does: the texts
of the fixtures, the benchmark's report sections, and random strings that send most characters
through the HMM or mix in what jieba-rs treats apart (letters, digits, connectors, CJK extensions,
white space)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from factory import sample_texts
from gongkai.index import analysis, dictseg, segment

pytest.importorskip("rjieba")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dictseg.DictSegmenter:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("GONGKAI_CACHE", str(tmp_path_factory.mktemp("cache")))
        path = dictseg.ensure_compiled()
        assert path is not None and path.is_file()
        found = dictseg.open_compiled()
    assert found is not None
    return found


def _random(compiled: dictseg.DictSegmenter) -> list[str]:
    rng = random.Random(15)
    han = [chr(c) for c in compiled._emit_chars.tolist()]
    other = list("〇㐀㑇䶵豈鿋鿿𠀀𪜀ab12.5%+#&_-x.y_z-1  \r\n\t，。３４ｘ")
    out = ["".join(rng.choice(han) for _ in range(rng.randint(1, 30))) for _ in range(800)]
    out += ["".join(rng.choice(han + other) for _ in range(rng.randint(1, 40))) for _ in range(800)]
    out += ["2018-01-18", "http-equiv", "doc_type", "a.b.c", "v1.2.3-rc1", "12.5%x", "abc-", "-abc", "\r\n\r\n", ""]
    return out


def test_it_cuts_every_text_as_rjieba_does(compiled: dictseg.DictSegmenter, tmp_path: Path) -> None:
    reference = segment.get_segmenter("rjieba")
    texts = sample_texts(tmp_path) + _random(compiled)
    assert len(texts) > 2000 and sum(map(len, texts)) > 150_000
    different = [t for t in texts if compiled.cut(t) != reference.cut(t)]
    assert different == []


def test_it_knows_the_same_words(compiled: dictseg.DictSegmenter) -> None:
    reference = segment.get_segmenter("rjieba")
    words = ["政府信息公开", "信息公开", "主动公开", "依申请公开", "公开", "的", "不存在的词语呀", "政府信", "a", "4S店", ""]
    assert [compiled.has_word(w) for w in words] == [reference.has_word(w) for w in words]
    assert compiled.name == reference.name  # an index built with one is searched with the other


def test_the_analyzer_gives_the_same_tokens(compiled: dictseg.DictSegmenter, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    texts = sample_texts(tmp_path)[-200:] + ["政府信息公开申请１２件，ＸＭ２０２１年", "㈠主动公开政府信息情况"]
    reference = segment.get_segmenter("rjieba")
    expected = [analysis.token_lists(analysis.normalize(t), True) for t in texts]
    analysis._SUBWORDS.clear()
    monkeypatch.setattr(analysis, "get_segmenter", lambda kind=None: compiled)
    assert [analysis.token_lists(analysis.normalize(t), True) for t in texts] == expected
    assert reference is not compiled


def test_a_search_process_uses_it_only_when_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path / "empty"))
    assert dictseg.open_compiled() is None  # nothing compiled here: rjieba it is
    monkeypatch.setattr(segment, "_COMPILED", [True])
    segment._load.cache_clear()
    try:
        assert not isinstance(segment.get_segmenter(), dictseg.DictSegmenter)
        segment._load.cache_clear()
        assert dictseg.ensure_compiled() is not None
        assert isinstance(segment.get_segmenter(), dictseg.DictSegmenter)
        (path,) = (tmp_path / "empty").glob("segmenter-*.bin")
        path.write_bytes(path.read_bytes()[:50])  # damaged: not used
        segment._load.cache_clear()
        assert not isinstance(segment.get_segmenter(), dictseg.DictSegmenter)
    finally:
        segment._load.cache_clear()
