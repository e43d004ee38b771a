"""``/nhatky`` by scope: the province sees everything, a commune officer what concerns their
commune, and either can answer "who looked at this person's data?"."""

from __future__ import annotations

import pytest

from bot.runtime import App
from bot.services import privacy
from bot.texts import privacy as tp
from tests.flows.support import KHANH_KHE, World


async def _log(app: App, world: World) -> None:
    now = app.clock()
    async with app.db.transaction() as tx:
        await privacy.record_access(tx, world.officer2.id, "export_xlsx", f"commune:{KHANH_KHE}", now)
        await privacy.record_access(tx, world.province.id, "team_members", f"team:{world.team_a}", now)
        await privacy.record_access(
            tx, world.province.id, "approval_card", f"person:{world.med.id}", now, world.med.id
        )


async def test_commune_officer_sees_only_what_concerns_their_commune(app: App, world: World) -> None:
    await _log(app, world)
    shown = await world.chat("officer")("/nhatky")
    assert shown.startswith(tp.AUDIT_HEADER_COMMUNE.format(count=2))
    # Scopes are named as officers know them, not as stored ("team:1", "person:7").
    assert "phạm vi tổ Thôn Nà Pàn" in shown and "phạm vi hồ sơ Hoàng Thị Lan" in shown
    assert "Vi Thị Nga" not in shown  # Khánh Khê's export is not theirs to see
    assert "2026-03-10 10:00 — Chu Văn Bình" in shown  # local time (stored 03:00 UTC)
    province = await world.chat("province")("/nhatky")
    assert province.startswith(tp.AUDIT_HEADER.format(count=3)) and "Vi Thị Nga" in province
    assert [e.actor for e in await privacy.list_audit(app.db, commune_code=KHANH_KHE)] == ["Vi Thị Nga"]


async def test_officer_answers_who_looked_at_one_persons_data(app: App, world: World) -> None:
    await _log(app, world)
    officer = world.chat("officer")
    await officer("/nhatky")
    assert tp.AUDIT_ASK_PERSON in await officer(tp.AUDIT_BY_PERSON)
    # "lan" is in two names of the commune: the officer picks one.
    assert tp.AUDIT_PICK_PERSON in await officer("lan")
    answer = await officer("Hoàng Thị Lan")
    assert answer.startswith(tp.AUDIT_PERSON_HEADER.format(name="Hoàng Thị Lan", count=2))
    assert "Chu Văn Bình: xem thẻ duyệt đăng ký" in answer and "Chu Văn Bình: xem danh sách tổ" in answer
    assert "Vi Thị Nga" not in answer
    # The look-up is itself logged, against the person concerned.
    row = await app.db.fetchone("SELECT actor_id, action, subject_id FROM access_audit ORDER BY id DESC")
    assert row is not None and tuple(row) == (world.officer.id, "audit_view", world.med.id)


async def test_commune_officer_cannot_look_up_another_commune(app: App, world: World) -> None:
    officer = world.chat("officer")
    await officer.play(["/nhatky", tp.AUDIT_BY_PERSON])
    assert tp.AUDIT_NO_MATCH.format(text="Vi Thị Nga") in await officer("Vi Thị Nga")
    with pytest.raises(PermissionError):
        async with app.db.transaction() as tx:
            await privacy.audit_of_person(tx, app.db, world.officer, world.officer2.id, app.clock(), 10)
    # By phone number too, and the province finds her.
    assert world.officer2.phone is not None
    found = await privacy.find_people(app.db.reader, world.province, world.officer2.phone)
    assert [f.id for f in found] == [world.officer2.id]
    assert await privacy.find_people(app.db.reader, world.officer, world.officer2.phone) == []


async def test_a_scope_whose_record_is_gone_is_named_by_number_not_code(app: App) -> None:
    entries = [
        privacy.AuditEntry("2026-03-10T03:00:00+00:00", "A", "approval_card", "person:99999"),
        privacy.AuditEntry("2026-03-10T03:00:00+00:00", "A", "export_xlsx", "oddkind:1"),
    ]
    async with app.db.transaction() as tx:
        labels = await privacy.scope_labels(tx, entries)
    assert labels["person:99999"] == tp.SCOPE_PERSON.format(name=tp.SCOPE_NUMBER.format(ident="99999"))
    assert labels["oddkind:1"] == tp.SCOPE_OTHER
    shown = privacy.format_audit(entries, labels=labels)
    assert "person:" not in shown and "oddkind" not in shown
