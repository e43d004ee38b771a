"""Answer options of a quiz or contest question, shared by ``/hoc`` and ``/thi``."""

from __future__ import annotations

from bot.conversation.flow import Answer
from bot.conversation.messages import Choice
from bot.domain.training import LETTERS
from bot.training.content import Question

# Values are not bare digits: the engine matches a typed "2" against values before numbers,
# and the index "2" is the third option.
_PREFIX = "opt:"


def option_choices(question: Question) -> list[Choice]:
    """One choice per option, labelled with its letter."""
    return [Choice(f"{LETTERS[i]}. {o}", f"{_PREFIX}{i}") for i, o in enumerate(question.options)]


def typed_option(answer: Answer) -> str:
    """The answer as :func:`bot.domain.training.read_option` reads it: a matched choice becomes
    its 1-based number, anything else stays as typed (a letter or the option's text)."""
    if answer.choice is not None and answer.choice.startswith(_PREFIX):
        return str(int(answer.choice.removeprefix(_PREFIX)) + 1)
    return answer.text
