"""The ``kb`` subcommands and their stable JSON contract."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot.kb.cli import add_kb_commands, default_knowledge, run_kb_command

from .conftest import FIXTURES


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hoagiai")
    top = parser.add_subparsers(dest="command")
    kb = top.add_parser("kb")
    add_kb_commands(kb.add_subparsers(dest="kb_command"))
    return parser.parse_args(argv)


def test_default_knowledge_is_repo_folder() -> None:
    assert default_knowledge().name == "knowledge"
    assert (default_knowledge().parent / "bot").is_dir()


def test_search_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    good = str(FIXTURES / "good")
    assert (
        run_kb_command(
            _parse(["kb", "search", "--json", "--knowledge", good, "to", "hg", "co", "bao", "nhieu"])
        )
        == 0
    )
    obj = json.loads(capsys.readouterr().out)
    assert {"question", "answered", "hits"} <= obj.keys()
    assert obj["question"] == "to hg co bao nhieu"
    assert obj["answered"] is True
    hit = obj["hits"][0]
    assert {"ref", "title", "score"} <= hit.keys()
    assert hit["ref"] == "faq:so-nguoi-to"
    assert hit["cites"] == ["luat-1-2020:dieu-4"]
    assert isinstance(hit["score"], float)
    article_hits = [h for h in obj["hits"] if ":dieu-" in h["ref"]]
    assert all("cites" not in h for h in article_hits)


def test_search_batch_one_object_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text('tiêu chuẩn hòa giải viên\n\n{"q": "thoi tiet hom nay"}\n', encoding="utf-8")
    args = _parse(["kb", "search", "--batch", str(batch), "--k", "2", "--knowledge", str(FIXTURES / "good")])
    assert run_kb_command(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["question"] == "tiêu chuẩn hòa giải viên" and len(first["hits"]) <= 2
    assert second["question"] == "thoi tiet hom nay" and second["answered"] is False


def test_search_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parse(["kb", "search", "--knowledge", str(FIXTURES / "good"), "điều 2"])
    assert run_kb_command(args) == 0
    out = capsys.readouterr().out
    assert "Căn cứ: Điều 2 Luật Thử nghiệm" in out
    assert run_kb_command(_parse(["kb", "search", "--knowledge", str(FIXTURES / "good")])) == 2


def test_passages_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_kb_command(_parse(["kb", "passages", "--json", "--knowledge", str(FIXTURES / "good")])) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all(set(r) == {"ref", "doc", "title", "text"} for r in rows)
    assert {"ref": "faq:so-nguoi-to", "doc": "faq"}.items() <= next(
        r for r in rows if r["ref"] == "faq:so-nguoi-to"
    ).items()


def test_check_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_kb_command(_parse(["kb", "check", "--knowledge", str(FIXTURES / "good")])) == 0
    assert run_kb_command(_parse(["kb", "check", "--knowledge", str(FIXTURES / "bad")])) == 1
    out = capsys.readouterr().out
    assert "[numbering]" in out and "[nfc]" in out
