"""A notice the person has not answered is asked before their next flow, never in the middle of one."""

from __future__ import annotations

import os
from pathlib import Path

from bot.config import Settings
from bot.runtime import App, open_app
from bot.texts import menu as tm
from bot.texts import privacy as tp
from tests.flows.support import Clock, World, build_world, count


async def _forget_consent(app: App, person_id: int, *, old_version: bool) -> None:
    """Make the person's notice outdated (a new text was published) or absent (an imported account)."""
    async with app.db.transaction() as tx:
        if old_version:
            await tx.execute(
                "UPDATE privacy_consents SET notice_version = '2020-01' WHERE person_id = ?", (person_id,)
            )
        else:
            await tx.execute("DELETE FROM privacy_consents WHERE person_id = ?", (person_id,))


async def test_new_version_is_asked_first_then_the_flow_starts(app: App, world: World) -> None:
    await _forget_consent(app, world.med.id, old_version=True)
    expected = await world.chat("med2")("/baocao")  # what /baocao shows someone with no pending notice
    med = world.chat("med")
    shown = await med("/baocao")
    assert shown.startswith(tp.NOTICE_BEFORE_FLOW) and "Thông báo về dữ liệu cá nhân" in shown
    after = await med("Đồng ý")
    assert after == f"{tp.NOTICE_THANKS}\n{expected}"  # the report starts right after the answer
    rows = await app.db.fetchall(
        "SELECT notice_version, accepted FROM privacy_consents WHERE person_id = ? ORDER BY id",
        (world.med.id,),
    )
    assert rows[-1]["accepted"] == 1 and rows[-1]["notice_version"] != "2020-01"
    assert not (await med("menu")).startswith(tp.NOTICE_CHANGED)


async def test_account_without_consent_record_is_asked_once(app: App, world: World) -> None:
    await _forget_consent(app, world.officer.id, old_version=False)
    officer = world.chat("officer")
    assert (await officer("menu")).startswith(tp.NOTICE_BEFORE_FLOW)
    # «Để sau»: nothing recorded, the menu comes at once and keeps offering the notice.
    later = await officer("Để sau")
    assert later.startswith(tp.NOTICE_LATER_DONE) and tp.NOTICE_CHANGED in later
    assert officer.replies[-1].choices[0].value == "privacy_notice"
    consents = "SELECT COUNT(*) FROM privacy_consents WHERE person_id = ?"
    assert await count(app, consents, world.officer.id) == 0
    # Asked once per version: the next flow starts straight away.
    assert not (await officer("/to")).startswith(tp.NOTICE_BEFORE_FLOW)
    # Reading it later from the menu records the answer.
    await officer("menu")
    assert "Thông báo về dữ liệu cá nhân" in await officer.press("privacy_notice")
    assert tp.NOTICE_THANKS in await officer("Đồng ý")
    assert await count(app, consents, world.officer.id) == 1


async def test_a_flow_under_way_is_never_interrupted(app: App, world: World) -> None:
    med, med2 = world.chat("med"), world.chat("med2")
    first = await med("/baocao")
    await med2("/baocao")
    await _forget_consent(app, world.med.id, old_version=True)  # the text changes meanwhile
    # The next answer goes to the report as usual, exactly as for someone with nothing pending.
    assert await med("1") == await med2("1")
    assert tp.NOTICE_BEFORE_FLOW not in first
    # «menu» keeps the report (suspended) and does not put the notice in front of it.
    menu = await med("menu")
    assert tp.NOTICE_BEFORE_FLOW not in menu and "Tiếp tục" in menu
    assert await count(app, "SELECT COUNT(*) FROM privacy_notice_asks") == 0


async def test_hoso_is_never_delayed(app: App, world: World) -> None:
    await _forget_consent(app, world.med.id, old_version=False)
    assert not (await world.chat("med")("/hoso")).startswith(tp.NOTICE_BEFORE_FLOW)


async def test_a_typed_question_instead_of_an_answer_moves_on(app: App, world: World) -> None:
    await _forget_consent(app, world.med.id, old_version=True)
    med = world.chat("med")
    await med("menu")
    moved_on = await med("hòa giải viên có được thù lao không")
    assert moved_on.startswith(tp.NOTICE_LATER_DONE)
    assert tm.KB_UNAVAILABLE in moved_on  # the question went to Q&A (no KB in this app), not a re-prompt
    assert tp.NOTICE_BEFORE_FLOW not in moved_on


async def test_the_operator_speaking_as_someone_is_never_asked(app: App, world: World) -> None:
    from bot.services.console_identity import console_user_for
    from tests.flows.support import Chat

    await _forget_consent(app, world.officer.id, old_version=False)
    as_officer = Chat(app, await console_user_for(app, str(world.officer.id)))
    shown = await as_officer("menu")  # `hoagiai chat --as`: an answer here would not be theirs
    assert tp.NOTICE_BEFORE_FLOW not in shown and tp.NOTICE_CHANGED not in shown


async def test_publishing_a_new_version_asks_at_the_next_message(tmp_path: Path, clock: Clock) -> None:
    notice = tmp_path / "notice.md"
    notice.write_text('---\nversion: "v1"\n---\n🔒 Thông báo v1 của {controller}.\n', "utf-8")
    settings = Settings(data_dir=tmp_path, privacy_notice_file=notice, _env_file=None)  # type: ignore[call-arg]
    async with open_app(settings, load_kb=False, clock=clock) as app:
        world = await build_world(app)  # everyone accepted v1
        med = world.chat("med")
        assert tp.NOTICE_BEFORE_FLOW not in await med("menu")
        # The deployer edits the file and its version, without restarting the bot.
        notice.write_text('---\nversion: "v2"\n---\n🔒 Thông báo v2 của {controller}.\n', "utf-8")
        os.utime(notice, ns=(notice.stat().st_atime_ns, notice.stat().st_mtime_ns + 1_000_000))
        shown = await med("menu")
        assert shown.startswith(tp.NOTICE_BEFORE_FLOW) and "Thông báo v2 của Sở Tư pháp" in shown
        await med("Đồng ý")
        row = await app.db.fetchone(
            "SELECT notice_version FROM privacy_consents WHERE person_id = ? ORDER BY id DESC",
            (world.med.id,),
        )
        assert row is not None and row[0] == "v2"


async def test_text_typed_after_the_command_answers_the_flow_after_the_notice(app: App, world: World) -> None:
    await _forget_consent(app, world.med.id, old_version=True)
    expected = await world.chat("med2")("/baocao 1")  # the first question answered at once
    med = world.chat("med")
    assert (await med("/baocao 1")).startswith(tp.NOTICE_BEFORE_FLOW)  # «1» does not answer the notice
    assert await med("Đồng ý") == f"{tp.NOTICE_THANKS}\n{expected}"  # nor is it to be retyped


async def test_a_question_after_hoi_is_answered_after_the_notice_is_left_for_later(
    app: App, world: World
) -> None:
    await _forget_consent(app, world.med.id, old_version=True)
    med = world.chat("med")
    assert (await med("/hoi hòa giải viên có được thù lao không")).startswith(tp.NOTICE_BEFORE_FLOW)
    later = await med("Để sau")
    assert later.startswith(tp.NOTICE_LATER_DONE) and tm.KB_UNAVAILABLE in later
