"""What changed between two versions of a document: metadata, and the text word by word.

Chinese has no spaces, so a character diff of an edited notice is noise (共收到申请12件 → 共收到申请
21件 would show single characters moved around) and a line diff hides the edit in a paragraph. The
text is compared as words: Han runs are cut by the segmenter the index uses (jieba, through
`gongkai.index.segment`), Latin words and numbers stay whole, every space and punctuation mark is a
token of its own. Lines are matched first (edits are local; this keeps long documents fast) and the
words of each replaced block are then matched inside it.

Pure functions over `Document.to_dict()` shapes; the web and `gongkai changes` render the result.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from gongkai.vocabulary import change_label

# Metadata a reader checks first when a document is edited (labelled by `vocabulary.change_label`).
META_FIELDS = ("title", "published", "doc_no", "index_no", "agency", "year", "doc_type")
CONTEXT_CHARS = 60  # unchanged text kept on each side of a change
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z]+|\d+(?:[.,]\d+)*|\s+|.", re.S)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class TextDiff:
    """The text of two versions as runs: ("equal" | "insert" | "delete", text), in order."""

    runs: list[tuple[str, str]] = field(default_factory=list)
    added: int = 0  # words (not spaces or punctuation) inserted
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def _add(self, op: str, text: str) -> None:
        if not text:
            return
        if self.runs and self.runs[-1][0] == op:
            self.runs[-1] = (op, self.runs[-1][1] + text)
        else:
            self.runs.append((op, text))

    def hunks(self, context: int = CONTEXT_CHARS) -> list[tuple[str, str]]:
        """The runs with long unchanged stretches cut to `context` characters around each change
        (the cut marked by an "…" run of kind "skip")."""
        out: list[tuple[str, str]] = []
        last = len(self.runs) - 1
        for i, (op, text) in enumerate(self.runs):
            if op != "equal" or len(text) <= 2 * context + 1:
                out.append((op, text))
                continue
            head = text[:context] if i > 0 else ""
            tail = text[-context:] if i < last else ""
            if head:
                out.append(("equal", head))
            out.append(("skip", "…"))
            if tail:
                out.append(("equal", tail))
        return out


def words(text: str) -> list[str]:
    """`text` as tokens whose concatenation is `text`: segmenter words for Han runs."""
    from gongkai.index.segment import get_segmenter

    seg = get_segmenter()
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        piece = m.group(0)
        if _HAN.match(piece) and len(piece) > 1:
            out.extend(w for w in seg.cut(piece) if w)
        else:
            out.append(piece)
    return out


def _is_word(token: str) -> bool:
    return bool(token.strip()) and (token[0].isalnum() or bool(_HAN.match(token)))


def diff_text(old: str, new: str) -> TextDiff:
    result = TextDiff()
    a_lines, b_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for op, i1, i2, j1, j2 in lines.get_opcodes():
        if op == "equal":
            result._add("equal", "".join(a_lines[i1:i2]))
            continue
        a, b = words("".join(a_lines[i1:i2])), words("".join(b_lines[j1:j2]))
        inner = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for wop, k1, k2, m1, m2 in inner.get_opcodes():
            if wop == "equal":
                result._add("equal", "".join(a[k1:k2]))
                continue
            if wop in ("delete", "replace"):
                result._add("delete", "".join(a[k1:k2]))
                result.removed += sum(1 for t in a[k1:k2] if _is_word(t))
            if wop in ("insert", "replace"):
                result._add("insert", "".join(b[m1:m2]))
                result.added += sum(1 for t in b[m1:m2] if _is_word(t))
    return result


def document_text(doc: dict[str, Any]) -> str:
    """The text a reader sees of a document (as `Document.to_dict()` has it): headings and sections."""
    parts = []
    for s in doc.get("sections") or []:
        head = f"{s.get('number')}、{s.get('heading')}" if s.get("number") else (s.get("heading") or "")
        parts.append("\n".join(p for p in (head, s.get("text") or "") if p))
    return "\n".join(parts)


def meta_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(field, label, old value, new value) of each metadata field that differs (the label in the
    current language)."""
    return [(name, change_label(name), old.get(name), new.get(name)) for name in META_FIELDS
            if (old.get(name) or None) != (new.get(name) or None)]


def attachment_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(attachment URLs added, removed)."""
    a = [x.get("url", "") for x in old.get("attachments") or []]
    b = [x.get("url", "") for x in new.get("attachments") or []]
    return [u for u in b if u not in a], [u for u in a if u not in b]


def what_changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Names of what differs between two versions: metadata fields, "text", "attachments"."""
    out = [name for name, _, _, _ in meta_changes(old, new)]
    if document_text(old) != document_text(new):
        out.append("text")
    if any(attachment_changes(old, new)):
        out.append("attachments")
    return out
