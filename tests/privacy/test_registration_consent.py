"""Registration opens with the privacy notice: consent is stored, refusal stores nothing else."""

from __future__ import annotations

from bot.runtime import App
from bot.texts import privacy as tp
from tests.flows.support import World, count

SCRIPT = ["1", "tan doan", "1", "1", "Nguyễn Văn Hai", "nam"]


async def test_refusing_the_notice_stores_no_personal_data(app: App, world: World) -> None:
    chat = world.chat("stranger")
    first = await chat("/dangky")
    assert "Thông báo về dữ liệu cá nhân" in first and "Sở Tư pháp tỉnh Lạng Sơn" in first
    assert tp.REFUSED in await chat("Không đồng ý")
    assert await count(app, "SELECT COUNT(*) FROM people WHERE full_name = 'Nguyễn Văn Hai'") == 0
    row = await app.db.fetchone("SELECT accepted, person_id FROM privacy_consents WHERE chat_id = 'stranger'")
    assert row is not None and (row["accepted"], row["person_id"]) == (0, None)


async def test_consent_is_linked_and_ethnicity_may_be_skipped(app: App, world: World) -> None:
    chat = world.chat("newbie")
    await chat.play(["/dangky", "Đồng ý", *SCRIPT])
    assert tp.ETHNICITY_PURPOSE in chat.text
    await chat.play([tp.SKIP, "0912 000 777", "1"])
    person = await app.db.fetchone(
        "SELECT id, ethnic_minority FROM people WHERE full_name = 'Nguyễn Văn Hai'"
    )
    assert person is not None and person["ethnic_minority"] is None
    row = await app.db.fetchone(
        "SELECT accepted, person_id, notice_version FROM privacy_consents WHERE chat_id = 'newbie'"
    )
    assert row is not None and (row["accepted"], row["person_id"]) == (1, person["id"])
    # Having accepted this version, a second registration attempt does not show the notice again.
    assert "Thông báo về dữ liệu cá nhân" not in await world.chat("newbie")("/dangky")
