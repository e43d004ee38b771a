"""Who sent a message: the channel identity and, once registered, the person behind it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.messages import Channel
from bot.domain.people import Person


@dataclass(frozen=True, slots=True)
class Actor:
    """The sender of the message being handled."""

    channel: Channel
    external_id: str
    chat_id: str
    person: Person | None = None

    @property
    def active(self) -> bool:
        """Approved and still active."""
        return self.person is not None and self.person.active
