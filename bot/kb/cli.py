"""``hoagiai kb …`` subcommands: search, passages, check.

The JSON printed by ``search --json`` and ``passages --json`` is a stable contract that
other tools read; add keys if needed, never rename or remove them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import bot
from bot.kb.base import KnowledgeBase
from bot.kb.check import check
from bot.kb.model import Hit, SearchResult
from bot.texts import kb as t


def default_knowledge() -> Path:
    """The repository's ``knowledge/`` folder."""
    return Path(bot.__file__).resolve().parents[1] / "knowledge"


def add_kb_commands(subparsers: Any) -> None:
    """Register ``search``, ``passages`` and ``check`` on the ``kb`` parser's subparsers.

    ``subparsers`` is what ``kb_parser.add_subparsers(dest="kb_command")`` returned.
    """
    search = subparsers.add_parser("search", help="tìm trong cơ sở tri thức")
    search.add_argument("question", nargs="*", metavar="CÂU_HỎI", help="câu hỏi (các chữ được nối lại)")
    search.add_argument("--k", type=int, default=5, help="số kết quả (mặc định 5)")
    search.add_argument("--json", action="store_true", help="in mỗi câu hỏi thành một đối tượng JSON")
    search.add_argument("--batch", type=Path, help="tệp có mỗi dòng một câu hỏi (kèm --json)")
    _knowledge_option(search)
    search.set_defaults(kb_command="search")

    passages = subparsers.add_parser("passages", help="liệt kê mọi đoạn của cơ sở tri thức")
    passages.add_argument("--json", action="store_true", help="mỗi dòng một đối tượng JSON")
    _knowledge_option(passages)
    passages.set_defaults(kb_command="passages")

    chk = subparsers.add_parser("check", help="kiểm tra thư mục tri thức (mã thoát 1 nếu có lỗi)")
    _knowledge_option(chk)
    chk.set_defaults(kb_command="check")


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge",
        type=Path,
        default=None,
        metavar="THƯ_MỤC",
        help="thư mục tri thức (mặc định: KNOWLEDGE_DIR)",
    )


def run_kb_command(args: argparse.Namespace) -> int:
    """Run the parsed ``kb`` subcommand; returns the process exit code."""
    folder: Path = args.knowledge or default_knowledge()
    command = getattr(args, "kb_command", None)
    if command == "check":
        return _check(folder)
    if command == "passages":
        return _passages(folder, bool(args.json))
    if command == "search":
        return _search(folder, args)
    print(t.KB_USAGE, file=sys.stderr)
    return 2


def search_json(result: SearchResult) -> dict[str, Any]:
    """The stable JSON object for one search."""
    return {
        "question": result.question,
        "answered": result.answered,
        "decision": result.decision,
        "hits": [_hit_json(h) for h in result.hits],
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    out: dict[str, Any] = {"ref": hit.ref, "title": hit.title, "score": hit.score}
    if hit.cites:
        out["cites"] = list(hit.cites)
    return out


def _search(folder: Path, args: argparse.Namespace) -> int:
    kb = KnowledgeBase.load(folder)
    if args.batch is not None:
        for line in args.batch.read_text(encoding="utf-8").splitlines():
            question = _batch_question(line)
            if question:
                print(json.dumps(search_json(kb.search(question, args.k)), ensure_ascii=False))
        return 0
    question = " ".join(args.question).strip()
    if not question:
        print(t.KB_SEARCH_NO_QUESTION, file=sys.stderr)
        return 2
    result = kb.search(question, args.k)
    if args.json:
        print(json.dumps(search_json(result), ensure_ascii=False))
        return 0
    print(kb.answer(question).text)
    print()
    print(f"[{result.decision}]")
    for hit in result.hits:
        print(f"{hit.score:7.3f}  {hit.ref}  {hit.title}")
    return 0


def _batch_question(line: str) -> str:
    # Lines are plain questions, or JSON objects with a "q" key (the eval set's format).
    line = line.strip()
    if line.startswith("{"):
        try:
            return str(json.loads(line).get("q", "")).strip()
        except (json.JSONDecodeError, AttributeError):
            return line
    return line


def _passages(folder: Path, as_json: bool) -> int:
    kb = KnowledgeBase.load(folder)
    for p in kb.passages():
        if as_json:
            row = {"ref": p.ref, "doc": p.doc_id, "title": p.title, "text": p.text}
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{p.ref}\t{p.title}")
    return 0


def _check(folder: Path) -> int:
    problems = check(folder)
    for problem in problems:
        print(problem)
    if problems:
        print(t.KB_CHECK_PROBLEMS.format(n=len(problems)), file=sys.stderr)
        return 1
    print(t.KB_CHECK_OK)
    return 0
