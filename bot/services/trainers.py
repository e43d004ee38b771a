"""Who counts as a trainer (giảng viên, báo cáo viên): officers flag people in their scope.

The flag feeds course creation (only flagged people can be a course's trainers) and the
indicator "trainers per 100 teams, every trainer trained" (Kế hoạch 115). Imports can set it too
(column ``is_trainer``); this is the chat's way. A commune officer manages their commune's
people; province officers and admins everyone. Checked here, not only in the menus.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.domain.enums import Role
from bot.domain.people import Person
from bot.domain.phone import normalize_vn_mobile
from bot.domain.vntext import fold
from bot.services.registration import refuse
from bot.services.training import may_organise
from bot.storage import people as people_repo
from bot.storage import training as repo
from bot.storage.db import Connection

log = logging.getLogger(__name__)


def _scope(officer: Person) -> str | None:
    """The commune whose people the officer manages (None: the whole province)."""
    return None if officer.role in (Role.PROVINCE_OFFICER, Role.ADMIN) else officer.commune_code


def matches(query: str, name: str) -> bool:
    """Whether every typed word is a whole word of the name (diacritics and case ignored), so
    «Hoàng Lan» finds «Hoàng Thị Lan» but «Lan» does not find «Lành»."""
    words = fold(query).split()
    return bool(words) and set(words) <= set(fold(name).split())


async def listed(conn: Connection, officer: Person) -> list[tuple[int, str]]:
    """The trainers in the officer's scope, by name."""
    if not may_organise(officer):
        raise refuse(officer, "trainer_list", None)
    return await repo.trainers(conn, _scope(officer))


async def find(conn: Connection, officer: Person, query: str) -> list[Person]:
    """Active people in the officer's scope named (or with the phone number) ``query``."""
    if not may_organise(officer):
        raise refuse(officer, "trainer_find", None)
    people = await repo.active_people(conn, _scope(officer))
    phone = normalize_vn_mobile(query)
    if phone is not None:
        return [p for p in people if p.phone == phone]
    return [p for p in people if matches(query, p.full_name)]


async def set_trainer(
    conn: Connection, officer: Person, person_id: int, flag: bool, now: datetime
) -> tuple[Person, bool]:
    """Flag or unflag a person in the officer's scope; returns them and whether anything changed."""
    person = await people_repo.get_person(conn, person_id)
    scope = _scope(officer)
    if (
        not may_organise(officer)
        or person is None
        or not person.active
        or (scope is not None and person.commune_code != scope)
    ):
        raise refuse(officer, "trainer_set", person_id)
    changed = await repo.set_trainer_flag(conn, person_id, flag, now)
    if changed:
        # Who changed a person's trainer status: kept in the log (ids only, no names).
        log.info("trainer_flag person=%s flag=%s by=%s", person_id, int(flag), officer.id)
    return person, changed
