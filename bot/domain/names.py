"""The one rule for a person's full name, shared by the chat registration, the profile and the
people import (issue 14.6: the import used to accept names the chat refused)."""

from __future__ import annotations

import re

from bot.domain.vntext import squeeze

NAME_MIN_CHARS = 4
NAME_MAX_CHARS = 80
# Two or more words of letters, joined by a space, apostrophe, hyphen or dot: no digits, no
# symbols (a leading "=" or "@" can never pass, which also keeps names out of formula territory).
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)+$")


def person_name(text: str) -> str | None:
    """The name as typed with spaces squeezed, or None when it is not a full name."""
    name = squeeze(text)
    if not NAME_MIN_CHARS <= len(name) <= NAME_MAX_CHARS or not _NAME.match(name):
        return None
    return name
