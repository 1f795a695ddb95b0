"""The query language and its translation into Whoosh queries (evaluated by ``tables.Tables``).

Syntax (what `gongkai search` and the web page accept)::

    依申请公开 行政复议        words: all must occur in the document (AND), each anywhere in it
    复议 OR 诉讼               either
    NOT 收费   or   -收费       exclude documents containing the word anywhere
    "政府信息公开工作"          a phrase: the words next to each other, in order
    申请*                      a word starting with 申请 (申请人, 申请书 …)
    (复议 OR 诉讼) 2019         grouping
    title:年度报告  文号:青政办发〔2021〕9号  section:依申请公开  year:2019  type:notice  agency:青溪*

Fields: title 标题, body 正文, heading 标题行, agency 机构, section 章节, year 年份, type 类型,
doc_no 文号, index_no 索引号, topic 主题. Chinese quotes “…” and 「…」 work like "…".

Where the words must meet is the search's scope (``Tables.match``): anywhere in the document by
default, in one section with ``--within section``. ``section:KEY`` limits the words beside it to
sections of that key. A word typed as one (信息处理费, segmented into 信息 + 处理费) stays one: its
segments must meet in one section (``WordAnd``).

A word that looks like a 文号 or 索引号 (a digit and a bracket, slash or dash) is matched exactly
against those fields, whatever its brackets, and in the text as the same sequence of words
(consecutive positions, punctuation between them ignored): 国发〔2019〕4号 is no match for
国发[2019]5号.

Phrases match on character adjacency (``CharPhrase``), so "信息公开" matches inside 政府信息公开
even though the document's segmenter kept 政府信息公开 whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.query import Phrase
from whoosh.query.spans import SpanNear2

from ..errors import QueryError
from ..vocabulary import resolve_section, resolve_type
from .analysis import exact_value, normalize, query_terms, tokens
from .request import SearchRequest, parse_years
from .schema import TEXT_FIELDS

_SHOWN = ("title", "heading", "body")  # the fields whose text snippets and document pages mark

FIELD_ALIASES = {
    "title": "title", "标题": "title",
    "body": "body", "正文": "body", "text": "body",
    "heading": "heading", "标题行": "heading",
    "agency": "agency", "机构": "agency", "发布机构": "agency",
    "section": "section", "章节": "section",
    "year": "year", "年份": "year", "年度": "year",
    "type": "type", "类型": "type",
    "doc_no": "doc_no", "文号": "doc_no",
    "index_no": "index_no", "索引号": "index_no",
    "topic": "topic", "主题": "topic", "主题分类": "topic",
}
FIELD_LIST = "title, body, heading, agency, section, year, type, doc_no (文号), index_no (索引号), topic"
_QUOTES = {'"': '"', "“": "”", "「": "」", "”": "”"}
_EXACT_LIKE = re.compile(r"\d.*[〔〕\[\]()（）﹝﹞/\-]|[〔〕\[\]()（）﹝﹞/\-].*\d")
MAX_CLAUSES = 64


class CharPhrase(Phrase):  # type: ignore[misc]
    """A phrase whose words must touch in the text (end of one = start of the next)."""

    adjacency = "chars"  # how ``Tables`` checks it; a plain ``Phrase`` means consecutive positions

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        from whoosh import matching

        reader = searcher.reader()
        field = searcher.schema[self.fieldname]
        terms = []
        for word in self.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (self.fieldname, btext) not in reader:
                return matching.NullMatcher()
            terms.append(wq.Term(self.fieldname, btext))
        ms = [t.matcher(searcher, context) for t in terms]
        m = _AdjacentMatcher(ms)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _AdjacentMatcher(SpanNear2.SpanNear2Matcher):  # type: ignore[misc,name-defined]
    def __init__(self, ms: list[Any], slop: int = 1, ordered: bool = True, mindist: int = 1) -> None:
        super().__init__(ms, slop=slop, ordered=ordered, mindist=mindist)

    def _get_spans(self) -> list[Any]:
        aspans = self.ms[0].spans()
        for m in self.ms[1:]:
            if not aspans:
                return []
            by_start: dict[int, list[Any]] = {}
            for b in m.spans():
                by_start.setdefault(b.startchar, []).append(b)
            joined = {a.to(b) for a in aspans for b in by_start.get(a.endchar, ())}
            aspans = sorted(joined)
        return list(aspans)


class WordAnd(wq.And):  # type: ignore[misc]
    """The segments of one typed word: they must all occur in one section, whatever the scope."""

    one_word = True


# -- lexer --------------------------------------------------------------------------------------
@dataclass
class _Tok:
    kind: str  # WORD PHRASE LP RP OR NOT
    text: str
    field: str | None = None


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            continue
        if c == "(":
            toks.append(_Tok("LP", c))
            i += 1
            continue
        if c == ")":
            toks.append(_Tok("RP", c))
            i += 1
            continue
        if c == "-" and i + 1 < n and not q[i + 1].isspace():
            toks.append(_Tok("NOT", c))
            i += 1
            continue
        field = None
        m = re.match(r"([A-Za-z_\u4e00-\u9fff]+)[:：]", q[i:])
        if m and i + m.end() < n and not q[i + m.end()].isspace():
            name = m.group(1)
            if name.lower() not in FIELD_ALIASES and name not in FIELD_ALIASES:
                raise QueryError(f"unknown field {name!r} in the query: use one of {FIELD_LIST}")
            field = FIELD_ALIASES.get(name.lower(), FIELD_ALIASES.get(name))
            i += m.end()
            c = q[i]
        if c in _QUOTES:
            close = _QUOTES[c]
            j = q.find(close, i + 1)
            if j < 0 and close != '"':
                j = q.find('"', i + 1)
            if j < 0:
                raise QueryError('the query has an unbalanced quote: close the phrase with a second "')
            toks.append(_Tok("PHRASE", q[i + 1 : j], field))
            i = j + 1
            continue
        # a word: runs to white space; brackets inside a word (文号 like 青政办(2021)9号) stay in it
        j, depth = i, 0
        while j < n and not q[j].isspace():
            ch = q[j]
            if ch == "(":
                if j == i:
                    break
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch in _QUOTES and j > i:
                break
            j += 1
        word = q[i:j]
        if word in ("OR", "|"):
            toks.append(_Tok("OR", word))
        elif word in ("AND", "&"):
            pass
        elif word == "NOT":
            toks.append(_Tok("NOT", word))
        elif word:
            toks.append(_Tok("WORD", word, field))
        i = j if j > i else i + 1
    return toks


# -- parser -------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.clauses = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Any:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("the query has a closing parenthesis without an opening one")
        return node

    def or_expr(self) -> Any:
        parts = [self.and_expr()]
        while (t := self.peek()) is not None and t.kind == "OR":
            self.i += 1
            parts.append(self.and_expr())
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("or", parts)

    def and_expr(self) -> Any:
        parts = []
        while (t := self.peek()) is not None and t.kind not in ("OR", "RP"):
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("and", parts)

    def unary(self) -> Any:
        t = self.peek()
        assert t is not None
        if t.kind == "NOT":
            self.i += 1
            if self.peek() is None:
                raise QueryError("the query ends with NOT: say what to exclude, e.g. 复议 NOT 诉讼")
            inner = self.unary()
            return None if inner is None else ("not", inner)
        if t.kind == "LP":
            self.i += 1
            node = self.or_expr()
            close = self.peek()
            if close is None or close.kind != "RP":
                raise QueryError("the query has an unbalanced parenthesis: close the group with )")
            self.i += 1
            return node
        self.i += 1
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QueryError(f"the query has more than {MAX_CLAUSES} words; shorten it")
        return ("leaf", t)


def parse_query(text: str) -> Any:
    """Parse ``text`` into a Whoosh query over section documents (None for an empty query)."""
    text = text.strip()
    if not text:
        return None
    # Control characters and lone surrogates carry no meaning in a query.
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = text.encode("utf-8", "ignore").decode("utf-8")
    tree = _Parser(_lex(text)).parse()
    if tree is None:
        return None
    q = _build(tree)
    if q is None:
        raise QueryError("the query has no searchable words: use Chinese words, numbers or a 文号")
    if _only_negative(tree):
        raise QueryError("the query only excludes: add at least one word to look for, e.g. 复议 NOT 诉讼")
    return q


def _only_negative(tree: Any) -> bool:
    kind = tree[0]
    if kind == "not":
        return True
    if kind == "and":
        return all(_only_negative(p) for p in tree[1])
    return False


def _build(node: Any) -> Any:
    kind = node[0]
    if kind == "leaf":
        return _leaf(node[1])
    if kind == "not":
        inner = _build(node[1])
        return None if inner is None else wq.Not(inner)
    parts = [p for p in (_build(c) for c in node[1]) if p is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if kind == "or":
        return wq.Or(parts)
    positives = [p for p in parts if not isinstance(p, wq.Not)]
    negatives = [p.query for p in parts if isinstance(p, wq.Not)]
    if not positives:
        return wq.And(parts)
    base = positives[0] if len(positives) == 1 else wq.And(positives)
    if negatives:
        return wq.AndNot(base, negatives[0] if len(negatives) == 1 else wq.Or(negatives))
    return base


def _either(qs: list[Any]) -> Any:
    return qs[0] if len(qs) == 1 else wq.Or(qs)


def _text_query(text: str, fields: tuple[str, ...], phrase: bool, identifier: bool = False) -> Any:
    terms = query_terms(text)
    if not terms:
        return None
    if len(terms) == 1:
        return _either([wq.Term(f, terms[0]) for f in fields])
    if identifier:  # the parts of a 文号 in order, whatever punctuation stands between them
        return _either([Phrase(f, terms) for f in fields])
    if phrase:
        return _either([CharPhrase(f, terms) for f in fields])
    return WordAnd([_either([wq.Term(f, t) for f in fields]) for t in terms])


def _prefix(text: str, field: str | None) -> Any:
    """``申请*``: the words of the index starting with 申请 (expanded at search time)."""
    stem = text[:-1]
    if not stem or "*" in stem:
        raise QueryError(f"{text!r}: a * stands only at the end of a word, after its first characters, "
                         f"as in 申请*")
    if field is None:
        if _EXACT_LIKE.search(stem):
            return wq.Or([wq.Prefix(f, exact_value(stem)) for f in ("doc_no", "index_no")])
        return wq.Or([wq.Prefix(f, normalize(stem)) for f in TEXT_FIELDS])
    if field in ("title", "body", "heading", "topic"):
        return wq.Prefix(field, normalize(stem))
    if field == "agency":  # agency names that start with it (agency:青溪* → 青溪市财政局 …)
        return wq.Prefix("agency", stem.strip())
    if field in ("doc_no", "index_no"):
        return wq.Prefix(field, exact_value(stem))
    raise QueryError(f"{field}: takes a whole value, not a word ending in *: remove the * from {text!r}")


def _leaf(tok: _Tok) -> Any:
    text = tok.text.replace("＊", "*")
    field = tok.field
    phrase = tok.kind == "PHRASE"
    if not phrase and "*" in text:
        return _prefix(text, field)
    if field is None:
        if _EXACT_LIKE.search(text):
            ev = exact_value(text)
            exact = [wq.Term("doc_no", ev), wq.Term("index_no", ev)]
            q = _text_query(text, TEXT_FIELDS, phrase, identifier=True)
            return wq.Or(exact + ([q] if q is not None else []))
        return _text_query(text, TEXT_FIELDS, phrase)
    if field in ("title", "body", "heading"):
        return _text_query(text, (field,), phrase)
    if field == "agency":
        return agency_query(text)
    if field in ("doc_no", "index_no"):
        return wq.Term(field, exact_value(text))
    if field == "section":
        return wq.Term("section", resolve_section(text))
    if field == "year":
        years = parse_years(text)
        if years is None:
            raise QueryError("year: needs a year like 2017 or a range like 2015-2019")
        return wq.NumericRange("year", years[0], years[1])
    if field == "type":
        return wq.Term("type", resolve_type(text))
    return wq.Term(field, normalize(text))


def agency_query(text: str) -> Any:
    """Agencies match by name: the exact name, or all its words (so 财政局 finds 青溪市财政局)."""
    exact = wq.Term("agency", text.strip())
    words = _text_query(text, ("agency_text",), phrase=True)
    return exact if words is None else wq.Or([exact, words])


def status_query(req: SearchRequest) -> Any:
    """The request's simple document filters: status (current | withdrawn) and a list of ids."""
    parts: list[Any] = []
    if req.status != "all":
        parts.append(wq.Term("status", req.status))
    if req.ids is not None:
        parts.append(wq.Or([wq.Term("doc_id", i) for i in req.ids]) if req.ids else wq.NullQuery)
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _positive_nodes(q: Any) -> list[Any]:
    """Every leaf that counts towards the score (not those under NOT): terms, phrases, prefixes."""
    out: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, Phrase | wq.Term | wq.Prefix):
            out.append(node)
            return
        for child in node.children() if hasattr(node, "children") else ():
            walk(child)

    if q is not None:
        walk(q)
    return out


def positive_leaves(q: Any) -> list[tuple[str, Any]]:
    """(field, text) of every term that counts towards the score (not those under NOT)."""
    out: list[tuple[str, Any]] = []
    for node in _positive_nodes(q):
        if isinstance(node, Phrase):
            out.extend((node.fieldname, w) for w in node.words)
        elif isinstance(node, wq.Term):
            out.append((node.fieldname, node.text))
    return list(dict.fromkeys(out))


def prefix_stems(q: Any) -> set[str]:
    """The stems of the positive prefixes (申请*) on the fields a snippet highlights."""
    return {str(n.text) for n in _positive_nodes(q) if isinstance(n, wq.Prefix) and n.fieldname in _SHOWN}


def positive_terms(q: Any) -> set[str]:
    """Words of the query that a snippet should highlight: its positive text-field words."""
    return {text for field, text in positive_leaves(q) if field in _SHOWN}


def highlight_terms(q: Any, texts: Iterable[str]) -> set[str]:
    """The words to mark in ``texts`` for ``q``: its positive words, and the words of ``texts`` its
    prefixes (申请*) stand for. Every word of an indexed text is in the index's term dictionary, so
    this is the index's own expansion of the prefix, restricted to what is shown, and it needs no index."""
    terms = positive_terms(q)
    stems = tuple(prefix_stems(q))
    if stems:
        for text in texts:
            terms |= {w for _, w, _, _ in tokens(text) if w.startswith(stems)}
    return terms
