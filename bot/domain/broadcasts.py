"""Announcements to many people: who they are for, and the answers to a training invitation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Zalo's text messages stop at 2,000 characters (Telegram's at 4,096): an announcement must fit
# the smaller one whole, header and link included.
MAX_MESSAGE_CHARS = 2000
# The largest file an announcement may carry. Recipients download it on mobile data, and 50 MB
# is what a bot may upload to Telegram, so the file could still be uploaded anew if it ever has
# to travel outside the channel that holds it.
MAX_FILE_BYTES = 50 * 1024 * 1024


class Group(StrEnum):
    """Who an announcement is for; several groups combine as a union."""

    MEDIATORS = "mediators"  # every mediator, team leaders included
    TEAM_LEADERS = "team_leaders"
    OFFICERS = "officers"  # commune and province officers
    UNTRAINED = "untrained"  # mediators without a recorded training
    TRAINERS = "trainers"
    LEGAL_SUPPORTERS = "legal_supporters"


@dataclass(frozen=True, slots=True)
class Audience:
    """Groups of people, optionally narrowed to places.

    Places combine as a union too: the listed communes plus, with ``pilot``, every pilot commune.
    No place at all means the whole province. A person belongs to a place through their own
    commune, their team's commune, or (legal supporters) a team they support there.
    """

    groups: frozenset[Group]
    communes: tuple[str, ...] = ()
    pilot: bool = False

    @property
    def province_wide(self) -> bool:
        """No place narrows the audience."""
        return not self.communes and not self.pilot

    def to_json(self) -> dict[str, Any]:
        """The form stored in ``broadcasts.audience`` and in session data."""
        return {
            "groups": sorted(g.value for g in self.groups),
            "communes": list(self.communes),
            "pilot": self.pilot,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        """Inverse of :meth:`to_json`."""
        return cls(
            groups=frozenset(Group(g) for g in data.get("groups", [])),
            communes=tuple(data.get("communes", [])),
            pilot=bool(data.get("pilot", False)),
        )


class RsvpAnswer(StrEnum):
    """An answer to a training invitation."""

    YES = "yes"
    NO = "no"
    ACK = "ack"  # "received", not (yet) saying whether they will come


__all__ = ["MAX_MESSAGE_CHARS", "Audience", "Group", "RsvpAnswer"]
