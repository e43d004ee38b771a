"""The command line's parser in Vietnamese, for the deployers at Sở Tư pháp (issue 13.15).

Commands and options stay English words (``run``, ``--commune``); every description, the help
layout and argparse's own error messages are Vietnamese. argparse translates its messages only
through a compiled gettext catalogue (``.mo``) for its domain; a dozen fixed sentences do not
justify shipping and compiling one, so the few messages it can emit are rewritten here.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

USAGE = "cách dùng: "
POSITIONALS = "tham số"
OPTIONALS = "tùy chọn"
HELP = "in hướng dẫn này rồi thoát"

# argparse's English error messages (Python 3.11–3.13) → Vietnamese, first match wins.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)$"
        ),
        "{arg}: không có lựa chọn {value}; chọn một trong: {choices}",
    ),
    (
        re.compile(r"^argument (?P<arg>\S+): invalid (?P<type>\S+) value: (?P<value>.+)$"),
        "{arg}: giá trị {value} không hợp lệ (cần kiểu {type})",
    ),
    (re.compile(r"^argument (?P<arg>\S+): expected one argument$"), "{arg}: cần một giá trị"),
    (
        re.compile(r"^argument (?P<arg>\S+): expected at least one argument$"),
        "{arg}: cần ít nhất một giá trị",
    ),
    (
        re.compile(r"^argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)$"),
        "{arg} không dùng được cùng với {other}",
    ),
    (re.compile(r"^the following arguments are required: (?P<args>.+)$"), "thiếu tham số bắt buộc: {args}"),
    (re.compile(r"^one of the arguments (?P<args>.+) is required$"), "cần một trong các tham số: {args}"),
    (re.compile(r"^unrecognized arguments: (?P<args>.+)$"), "không hiểu tham số: {args}"),
    (
        re.compile(r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.+)$"),
        "tùy chọn {option} chưa rõ, có thể là: {matches}",
    ),
    # A type function's own (already Vietnamese) message.
    (re.compile(r"^argument (?P<arg>\S+): (?P<message>.+)$"), "{arg}: {message}"),
]

_TYPES = {"int": "số nguyên", "float": "số", "Path": "đường dẫn"}


def translate_error(message: str) -> str:
    """argparse's error message in Vietnamese (unchanged when it is not one of the known ones)."""
    for pattern, template in _ERRORS:
        match = pattern.match(message)
        if match:
            parts = match.groupdict()
            if "type" in parts:
                parts["type"] = _TYPES.get(parts["type"], parts["type"])
            return template.format(**parts)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class VnArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help and errors are Vietnamese; subcommands inherit it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = POSITIONALS
        self._optionals.title = OPTIONALS
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    # Said instead of argparse's generic line when the subcommand is missing or not one of the
    # choices (``hoagiai export --period 2026-Q2``): which ones exist, with an example.
    command_hint: str | None = None
    _command_name: str | None = None

    def error(self, message: str) -> NoReturn:
        """Print the usage and one Vietnamese line, exit 2 (argparse's convention) — or only
        :attr:`command_hint` when the message is about the missing or unknown subcommand."""
        if self.command_hint is not None and self._command_name is not None:
            required = message.startswith("the following arguments are required:")
            unknown = message.startswith(f"argument {self._command_name}: invalid choice:")
            if unknown or (required and self._command_name in message):
                self.exit(2, f"{self.prog}: {self.command_hint}\n")
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {translate_error(message)}\n")

    def add_subparsers(self, **kwargs: Any) -> Any:
        """Like argparse's, but a subcommand's one-line ``help`` is also its ``--help`` description."""
        action = super().add_subparsers(**kwargs)
        self._command_name = str(action.metavar or action.dest)
        create = action.add_parser

        def add_parser(name: str, **options: Any) -> Any:
            if "help" in options and "description" not in options:
                options["description"] = options["help"]
            return create(name, **options)

        action.add_parser = add_parser  # type: ignore[method-assign]
        return action
