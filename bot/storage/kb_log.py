"""What users thought of answers, and the questions the knowledge base could not answer."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Connection, Database, iso


async def record_feedback(conn: Connection, ref: str, helpful: bool, now: datetime) -> None:
    """Store a 👍/👎 on the answer that cited ``ref``."""
    await conn.execute(
        "INSERT INTO kb_feedback(at, ref, helpful) VALUES (?, ?, ?)", (iso(now), ref, int(helpful))
    )


async def record_unanswered(conn: Connection, question: str, decision: str, now: datetime) -> None:
    """Log a question the bot declined or only guessed at (already stripped of personal data)."""
    await conn.execute(
        "INSERT INTO kb_unanswered(at, question, decision) VALUES (?, ?, ?)",
        (iso(now), question[:500], decision),
    )


async def top_gaps(
    db: Database, limit: int = 30, since: datetime | None = None
) -> list[tuple[str, int, str]]:
    """The most frequent unanswered questions: (question, times asked, last decision)."""
    rows = await db.fetchall(
        "SELECT question, COUNT(*) AS n, MAX(decision) AS decision FROM kb_unanswered "
        "WHERE at >= ? GROUP BY question ORDER BY n DESC, question LIMIT ?",
        (iso(since) if since else "", limit),
    )
    return [(row["question"], row["n"], row["decision"]) for row in rows]
