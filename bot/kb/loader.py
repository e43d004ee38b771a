"""Read ``knowledge/`` into documents and passages (the only module of the KB doing I/O).

The format is described in ``docs/knowledge-format.md``. Parsing never raises on bad
content: it records a :class:`Problem` and keeps what it can, so the bot still starts
with a partly broken file and ``kb check`` lists everything at once.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.kb.model import Document, Passage, Problem

_ARTICLE = re.compile(r"^##\s+Điều\s+(\d+)\s*\.?\s*(.*)$")
_SECTION = re.compile(r"^##\s+\[([a-z0-9][a-z0-9-]*)\]\s*(.*)$")
_CLAUSE_START = re.compile(r"^\d+\.\s")
_DIRECTIVES = frozenset({"missing", "partial", "cites", "q", "keywords", "history"})
SUBFOLDERS = ("law", "guides", "faq")


@dataclass(slots=True)
class Loaded:
    """Everything read from a knowledge folder, plus the problems met while reading."""

    documents: dict[str, Document] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Per file: which article numbers appear (with duplicates), for the numbering check.
    articles_by_file: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


# Curators' notes kept next to the content (e.g. law/SOURCES.md: where each article's
# text came from) are not knowledge documents and have no front matter.
NOTE_FILES = frozenset({"README.md", "SOURCES.md"})


def knowledge_files(folder: Path) -> list[Path]:
    """The ``.md`` files of a knowledge folder, in a stable order (curators' notes left out)."""
    files: list[Path] = []
    for sub in SUBFOLDERS:
        files.extend(p for p in sorted((folder / sub).glob("*.md")) if p.name not in NOTE_FILES)
    return files


def load_folder(folder: Path) -> Loaded:
    """Parse every file of ``folder`` (law/, guides/, faq/)."""
    loaded = Loaded()
    for path in knowledge_files(folder):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            loaded.problems.append(Problem(_rel(path, folder), 0, "encoding", f"not UTF-8: {exc}"))
            continue
        parse_file(text, _rel(path, folder), loaded)
    return loaded


def _rel(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def parse_file(text: str, path: str, loaded: Loaded) -> None:
    """Parse one file's text into ``loaded`` (documents, passages, problems)."""
    if unicodedata.normalize("NFC", text) != text:
        line = _first_non_nfc_line(text)
        loaded.problems.append(Problem(path, line, "nfc", "text is not Unicode NFC"))
        text = unicodedata.normalize("NFC", text)
    lines = text.replace("\r\n", "\n").split("\n")
    meta, body_start = _front_matter(lines, path, loaded)
    if meta is None:
        return
    doc = _document(meta, path, loaded)
    if doc.kind != "faq":
        if doc.id in loaded.documents:
            loaded.problems.append(Problem(path, 1, "duplicate-doc", f"document id {doc.id!r} used twice"))
        loaded.documents[doc.id] = doc
    elif "faq" not in loaded.documents:
        loaded.documents["faq"] = doc
    _passages(lines, body_start, doc, path, loaded)


def _first_non_nfc_line(text: str) -> int:
    for no, line in enumerate(text.split("\n"), start=1):
        if unicodedata.normalize("NFC", line) != line:
            return no
    return 0


def _front_matter(lines: list[str], path: str, loaded: Loaded) -> tuple[dict[str, Any] | None, int]:
    if not lines or lines[0].strip() != "+++":
        loaded.problems.append(Problem(path, 1, "front-matter", "file must start with a +++ TOML block"))
        return None, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        loaded.problems.append(Problem(path, 1, "front-matter", "front matter is not closed with +++"))
        return None, 0
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        loaded.problems.append(Problem(path, 1, "front-matter", f"invalid TOML: {exc}"))
        return None, 0
    return meta, end + 1


REQUIRED_KEYS = ("id", "kind", "title", "short", "status")
KINDS = ("law", "plan", "guide", "faq")
STATUSES = ("in_force", "expired", "partially_superseded", "in_progress")


def _document(meta: dict[str, Any], path: str, loaded: Loaded) -> Document:
    for key in REQUIRED_KEYS:
        if not isinstance(meta.get(key), str) or not meta.get(key):
            loaded.problems.append(Problem(path, 1, "metadata", f"missing or empty key {key!r}"))
    kind = str(meta.get("kind", ""))
    if kind not in KINDS:
        loaded.problems.append(Problem(path, 1, "metadata", f"kind must be one of {KINDS}, not {kind!r}"))
    status = str(meta.get("status", "in_force"))
    if status not in STATUSES:
        loaded.problems.append(Problem(path, 1, "metadata", f"status must be one of {STATUSES}"))
    if kind in ("law", "plan") and not meta.get("number"):
        loaded.problems.append(Problem(path, 1, "metadata", "laws and plans need a 'number'"))
    if kind == "faq" and meta.get("id") != "faq":
        loaded.problems.append(Problem(path, 1, "metadata", 'FAQ files must have id = "faq"'))
    if kind == "guide" and not str(meta.get("id", "")).startswith("hd-"):
        loaded.problems.append(Problem(path, 1, "metadata", "guide ids start with 'hd-'"))
    article_range: tuple[int, int] | None = None
    raw_range = meta.get("article_range")
    if raw_range is not None:
        if (
            isinstance(raw_range, list)
            and len(raw_range) == 2
            and all(isinstance(n, int) for n in raw_range)
            and raw_range[0] <= raw_range[1]
        ):
            article_range = (raw_range[0], raw_range[1])
        else:
            loaded.problems.append(Problem(path, 1, "metadata", "article_range must be [first, last]"))
    elif kind == "law":
        loaded.problems.append(Problem(path, 1, "metadata", "laws need an 'article_range'"))
    aliases = meta.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        loaded.problems.append(Problem(path, 1, "metadata", "aliases must be a list of strings"))
        aliases = []
    return Document(
        id=str(meta.get("id", path)),
        kind=kind,
        title=str(meta.get("title", "")),
        short=str(meta.get("short", meta.get("title", ""))),
        number=str(meta.get("number", "")),
        issuer=str(meta.get("issuer", "")),
        signed=str(meta.get("signed", "")),
        effective=str(meta.get("effective", "")),
        status=status,
        status_note=str(meta.get("status_note", "")),
        completeness=str(meta.get("completeness", "complete")),
        article_range=article_range,
        aliases=tuple(aliases),
        source=str(meta.get("source", "")),
        path=path,
    )


@dataclass(slots=True)
class _Draft:
    """A passage being read: heading data plus the lines collected so far."""

    ref: str
    kind: str
    title: str
    chapter: str
    number: int | None
    line: int
    text: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    missing: str | None = None
    partial: str | None = None
    history: bool = False
    directive_problems: list[Problem] = field(default_factory=list)


def _passages(lines: list[str], start: int, doc: Document, path: str, loaded: Loaded) -> None:
    chapter = ""
    draft: _Draft | None = None
    after_bad_heading = False  # its text is already covered by the heading's problem
    numbers = loaded.articles_by_file.setdefault(path, [])
    for no in range(start, len(lines)):
        line = lines[no].rstrip()
        lineno = no + 1
        if line.startswith("# "):
            _finish(draft, doc, path, loaded)
            draft = None
            after_bad_heading = False
            chapter = line[2:].strip()
            continue
        if line.startswith("## "):
            _finish(draft, doc, path, loaded)
            draft = _heading(line, lineno, doc, chapter, path, loaded)
            after_bad_heading = draft is None
            if draft is not None and draft.number is not None:
                numbers.append((draft.number, lineno))
            continue
        if draft is None:
            if line.strip() and not after_bad_heading:
                loaded.problems.append(Problem(path, lineno, "syntax", "text outside any passage"))
            continue
        if line.startswith("@"):
            _directive(line, lineno, draft, path)
        else:
            draft.text.append(line)
    _finish(draft, doc, path, loaded)


def _heading(line: str, lineno: int, doc: Document, chapter: str, path: str, loaded: Loaded) -> _Draft | None:
    article = _ARTICLE.match(line)
    if article:
        number = int(article.group(1))
        return _Draft(f"{doc.id}:dieu-{number}", "article", article.group(2).strip(), chapter, number, lineno)
    section = _SECTION.match(line)
    if section:
        slug = section.group(1)
        ref = f"faq:{slug}" if doc.kind == "faq" else f"{doc.id}:{slug}"
        kind = "faq" if doc.kind == "faq" else "section"
        return _Draft(ref, kind, section.group(2).strip(), chapter, None, lineno)
    loaded.problems.append(
        Problem(path, lineno, "syntax", "level-2 heading must be 'Điều N. Title' or '[slug] Title'")
    )
    return None


def _directive(line: str, lineno: int, draft: _Draft, path: str) -> None:
    name, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    if name not in _DIRECTIVES:
        draft.directive_problems.append(Problem(path, lineno, "directive", f"unknown directive @{name}"))
    elif name == "missing":
        draft.missing = rest
    elif name == "partial":
        draft.partial = rest
    elif name == "cites":
        draft.cites.extend(rest.split())
    elif name == "q":
        if rest:
            draft.questions.append(rest)
    elif name == "keywords":
        draft.keywords.extend(k.strip() for k in rest.split(",") if k.strip())
    else:
        draft.history = True


def _finish(draft: _Draft | None, doc: Document, path: str, loaded: Loaded) -> None:
    if draft is None:
        return
    loaded.problems.extend(draft.directive_problems)
    text = "\n".join(draft.text).strip()
    if draft.missing is not None:
        if draft.kind != "article":
            loaded.problems.append(
                Problem(path, draft.line, "directive", "@missing is only valid in articles")
            )
        if text:
            loaded.problems.append(
                Problem(path, draft.line, "directive", "@missing must stand alone (the article has text)")
            )
    elif not text:
        loaded.problems.append(Problem(path, draft.line, "empty", f"{draft.ref} has no text"))
    if draft.kind == "faq" and not draft.questions:
        loaded.problems.append(Problem(path, draft.line, "faq-no-q", f"{draft.ref} needs at least one @q"))
    if doc.kind in ("guide", "faq") and not draft.cites:
        loaded.problems.append(Problem(path, draft.line, "cites", f"{draft.ref} needs @cites"))
    loaded.passages.append(
        Passage(
            ref=draft.ref,
            doc_id=doc.id,
            kind=draft.kind,
            title=draft.title,
            text=text,
            chapter=draft.chapter,
            number=draft.number,
            clauses=tuple(split_clauses(text, draft.kind == "article")),
            cites=tuple(draft.cites),
            questions=tuple(draft.questions),
            keywords=tuple(draft.keywords),
            missing=draft.missing is not None,
            missing_note=draft.missing or "",
            partial=draft.partial is not None,
            partial_note=draft.partial or "",
            history=draft.history or doc.expired,
            path=path,
            line=draft.line,
        )
    )


def split_clauses(text: str, article: bool) -> list[str]:
    """Split a passage into its units: numbered clauses for articles, paragraphs otherwise.

    An article's lead-in sentence before clause 1 is its own unit; points ``a)`` stay with
    their clause because they only make sense under its lead-in.
    """
    if not text:
        return []
    units: list[list[str]] = [[]]
    for line in text.split("\n"):
        if article:
            if _CLAUSE_START.match(line) and units[-1]:
                units.append([])
            units[-1].append(line)
        elif not line.strip():
            if units[-1]:
                units.append([])
        else:
            units[-1].append(line)
    return ["\n".join(u).strip() for u in units if "".join(u).strip()]
