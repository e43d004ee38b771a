"""Consent, the data-subject view, leaving, the access audit and every retention purge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
from bot.runtime import App
from bot.services import privacy
from bot.services.privacy import Notice, NoticeError, Retention
from bot.storage.db import iso
from bot.workers.scheduler import retention_rules, run_once
from tests.databases import write
from tests.flows.support import TAN_DOAN, World, count, report_case

RULES = Retention()


def test_bundled_notice_has_a_version_and_fills_the_controller() -> None:
    notice = privacy.load_notice(
        DEFAULT_KNOWLEDGE_DIR / "privacy" / "notice.md", "Sở Tư pháp X", "https://x.vn/bm"
    )
    assert notice.version
    assert "Sở Tư pháp X" in notice.text and "https://x.vn/bm" in notice.text
    assert "{" not in notice.text and "---" not in notice.text
    unpublished = privacy.load_notice(DEFAULT_KNOWLEDGE_DIR / "privacy" / "notice.md", "Sở X", "")
    assert "Toàn văn" not in unpublished.text and "/hoso" in unpublished.text


def test_notice_without_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notice.md"
    path.write_text("Thông báo không có phiên bản", "utf-8")
    with pytest.raises(NoticeError, match="version"):
        privacy.load_notice(path, "c", "u")
    with pytest.raises(NoticeError, match="cannot read"):
        privacy.load_notice(tmp_path / "missing.md", "c", "u")


def test_notice_file_setting_defaults_to_knowledge() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.notice_file == DEFAULT_KNOWLEDGE_DIR / "privacy" / "notice.md"


async def test_consent_is_stored_and_a_new_version_asks_again(app: App) -> None:
    v1, v2 = Notice("2026-01", "a"), Notice("2026-02", "b")
    async with app.db.transaction() as tx:
        assert await privacy.needs_consent(tx, "console", "u1", v1)
        await privacy.record_consent(tx, "console", "u1", "2026-01", False, app.clock())
        assert await privacy.needs_consent(tx, "console", "u1", v1)  # refused: asked again next time
        await privacy.record_consent(tx, "console", "u1", "2026-01", True, app.clock() + timedelta(seconds=1))
        assert not await privacy.needs_consent(tx, "console", "u1", v1)
        assert await privacy.needs_consent(tx, "console", "u1", v2)
        consent = await privacy.latest_consent(tx, "console", "u1")
    assert consent is not None and consent.accepted and consent.version == "2026-01"
    assert await count(app, "SELECT COUNT(*) FROM privacy_consents") == 2


async def test_my_data_lists_profile_identities_consents_and_cases(app: App, world: World) -> None:
    async with app.db.transaction() as tx:
        await privacy.record_consent(
            tx, "console", "med", "2026-01", True, app.clock(), person_id=world.med.id
        )
    case = await report_case(app, world.med)
    async with app.db.transaction() as tx:
        text = await privacy.describe_my_data(tx, world.med.id)
    assert "Hoàng Thị Lan" in text and "+8491" in text
    assert "console" in text and "2026-01" in text and "Đồng ý" in text
    assert case.code in text


async def test_leaving_removes_contact_data_and_pseudonymises_cases(app: App, world: World) -> None:
    case = await report_case(app, world.med)
    await write(
        app.db,
        "INSERT INTO sessions(channel, chat_id, flow, step, data, history, updated_at) "
        "VALUES ('console', 'med', 'ask', 'q', '{}', '[]', ?)",
        (iso(app.clock()),),
    )
    async with app.db.transaction() as tx:
        await privacy.leave(tx, world.med.id, app.clock())
    person = await app.db.fetchone("SELECT * FROM people WHERE id = ?", (world.med.id,))
    assert person is not None
    assert person["status"] == "left" and person["phone"] is None and person["ethnic_minority"] is None
    assert person["full_name"] == "Hòa giải viên, tổ Thôn Nà Pàn (đã rời)"
    assert await count(app, "SELECT COUNT(*) FROM identities WHERE person_id = ?", world.med.id) == 0
    assert await count(app, "SELECT COUNT(*) FROM sessions WHERE chat_id = 'med'") == 0
    kept = await app.db.fetchone("SELECT reported_by FROM cases WHERE code = ?", (case.code,))
    assert kept is not None and kept["reported_by"] == world.med.id


async def test_audit_records_scope_and_answers_who_saw_my_data(app: App, world: World) -> None:
    async with app.db.transaction() as tx:
        await privacy.record_access(tx, world.officer.id, "export_xlsx", f"commune:{TAN_DOAN}", app.clock())
        await privacy.record_access(tx, world.leader.id, "team_members", f"team:{world.team_b}", app.clock())
        await privacy.record_access(tx, None, "approval_card", "person", app.clock(), subject_id=world.med.id)
        with pytest.raises(ValueError):
            await privacy.record_access(tx, None, "peek", "x", app.clock())
    everything = await privacy.list_audit(app.db)
    assert len(everything) == 3
    mine = await privacy.list_audit(app.db, subject_id=world.med.id)
    # Her commune's export and the card about her; not the list of a team she is not in.
    assert {entry.action for entry in mine} == {"approval_card", "export_xlsx"}
    text = privacy.format_audit(everything)
    assert "Lương Thị Hạnh" in text and "xuất tệp Excel" in text and "máy chủ" in text
    assert privacy.format_audit([]) == "Chưa có lượt truy cập nào được ghi."


# -- retention: one test per purge -----------------------------------------------------------------


async def _purge(app: App, days_later: int) -> privacy.PurgeResult:
    async with app.db.transaction() as tx:
        return await privacy.purge_expired(tx, app.clock() + timedelta(days=days_later), RULES)


async def test_purge_dedupe_rows(app: App) -> None:
    await write(
        app.db,
        "INSERT INTO inbound_seen(channel, chat_id, message_id, seen_at) VALUES ('console', 'u', 'm1', ?)",
        (iso(app.clock()),),
    )
    assert (await _purge(app, RULES.inbound_seen_days - 1)).inbound_seen == 0
    assert (await _purge(app, RULES.inbound_seen_days + 1)).inbound_seen == 1
    assert await count(app, "SELECT COUNT(*) FROM inbound_seen") == 0


async def test_purge_kb_logs(app: App) -> None:
    at = iso(app.clock())
    await write(app.db, "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, 'luat-35-2013#d12', 1)", (at,))
    await write(
        app.db, "INSERT INTO kb_unanswered(at, question, decision) VALUES (?, 'q', 'declined')", (at,)
    )
    assert (await _purge(app, RULES.kb_log_days - 1)).kb_log == 0
    assert (await _purge(app, RULES.kb_log_days + 1)).kb_log == 2


async def test_purge_sessions_of_people_who_left(app: App, world: World) -> None:
    for chat in ("med", "med2"):
        await write(
            app.db,
            "INSERT INTO sessions(channel, chat_id, flow, step, data, history, updated_at) "
            "VALUES ('console', ?, 'ask', 'q', '{}', '[]', ?)",
            (chat, iso(app.clock())),
        )
    await write(app.db, "UPDATE people SET status = 'left' WHERE id = ?", (world.med.id,))
    assert (await _purge(app, RULES.left_session_days + 1)).left_sessions == 1
    rows = await app.db.fetchall("SELECT chat_id FROM sessions")
    assert [row["chat_id"] for row in rows] == ["med2"]  # an active person's session stays


async def _outbox_row(app: App, key: str, status: str) -> None:
    at = iso(app.clock())
    await write(
        app.db,
        "INSERT INTO outbox(channel, chat_id, payload, dedupe_key, kind, status, next_attempt_at, "
        "created_at, sent_at) "
        "VALUES ('console', 'u', '{\"text\": \"Chị Lan 0912345678\"}', ?, 'notice', ?, ?, ?, ?)",
        (key, status, at, at, at if status == "sent" else None),
    )


async def test_purge_outbox_payloads(app: App) -> None:
    await _outbox_row(app, "done", "failed")
    await _outbox_row(app, "waiting", "pending")
    assert (await _purge(app, RULES.outbox_payload_days + 1)).outbox_payloads == 1
    rows = await app.db.fetchall("SELECT dedupe_key, payload FROM outbox ORDER BY dedupe_key")
    assert [(r["dedupe_key"], r["payload"] == "{}") for r in rows] == [("done", True), ("waiting", False)]


async def test_purge_delivered_reply_records(app: App) -> None:
    await _outbox_row(app, "sent", "sent")
    assert (await _purge(app, RULES.outbox_delivered_days - 1)).outbox_delivered == 0
    assert (await _purge(app, RULES.outbox_delivered_days + 1)).outbox_delivered == 1
    assert await count(app, "SELECT COUNT(*) FROM outbox") == 0


async def test_scheduler_applies_configured_retention(app: App, world: World) -> None:
    case = await report_case(app, world.med)
    await write(
        app.db, "INSERT INTO kb_unanswered(at, question, decision) VALUES (?, 'q', 'd')", (iso(app.clock()),)
    )
    settings = app.settings.model_copy(update={"kb_log_retention_days": 2})
    assert retention_rules(settings).kb_log_days == 2
    result = await run_once(app.db, settings, app.clock() + timedelta(days=3))
    assert result.purged.kb_log == 1
    assert await count(app, "SELECT COUNT(*) FROM cases WHERE code = ?", case.code) == 1  # cases are kept
