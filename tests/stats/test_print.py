"""Issue 14 item 7: every export prints on A4 without text running over other text.

Each workbook is converted to PDF by LibreOffice and read back with ``pdftotext -bbox`` (the
position of every word). Checked on every page: A4, landscape exactly when the table is wide,
the page number in the footer, the header row repeated, the table shrunk to the page width
(no column spills onto pages of its own), and no two words drawn over each other. In the
casebook, whose summaries are long, each summary is tagged at its first and last word: every
word comes out (nothing clipped), and each summary ends above the next row's start.

Skipped when LibreOffice or poppler's pdftotext is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bot.reports import fit
from bot.services.stats import Scope
from bot.storage.db import Database
from tests.stats.every_export import Built, rejects_exports, seed, stats_exports, training_exports

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None or PDFINFO is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) on PATH",
)

_PHRASE = (
    "tranh chấp lối đi chung giữa hai hộ gia đình ông bà Nguyễn Văn Hoàng và Lương Thị Thu về ranh "
    "giới thửa đất số 125 tờ bản đồ địa chính xây tường rào lấn sang phần đất được Ủy ban nhân dân "
    "xã cấp giấy chứng nhận quyền sử dụng đất năm 2015 HG-2026-00123 Nà Lầu Khòn Pát"
)
_WORDS = _PHRASE.split()
# Summaries from a few words to a long paragraph, so rows of very different heights meet.
_LENGTHS = (3, 9, 40, 120, 15, 70, 2, 200, 30, 55)


def long_text(i: int) -> str:
    """Free text for field ``i``: names stay short, summaries (10 and up) vary a lot."""
    rng = random.Random(i)
    if i < 10 or i >= 20:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.choice((2, 3, 5, 12))))
    n = _LENGTHS[(i - 10) % len(_LENGTHS)]
    return f"ĐẦU{i} " + " ".join(rng.choice(_WORDS) for _ in range(n)) + f" CUỐI{i}"


@dataclass(frozen=True, slots=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


async def _run(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=240)
    assert process.returncode == 0, stderr.decode(errors="replace")
    return stdout.decode()


async def _to_pdf(files: list[Path], out: Path) -> None:
    assert SOFFICE is not None
    profile = out / "profile"
    await _run(
        SOFFICE,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    )


async def _pages(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    assert PDFTOTEXT is not None
    html = await _run(PDFTOTEXT, "-bbox", str(pdf), "-")
    import html as html_lib

    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(html), start=1):
        words = [
            Word(number, float(a), float(b), float(c), float(d), html_lib.unescape(t))
            for a, b, c, d, t in _WORD.findall(body)
        ]
        pages.append((float(width), float(height), words))
    return pages


def _overlaps(words: list[Word]) -> list[str]:
    """Pairs of words drawn over each other. Boxes are shrunk to the middle of the glyphs
    (a line's box is taller than the line pitch, and neighbours may touch)."""
    boxes = []
    for w in words:
        h = w.y1 - w.y0
        boxes.append((w.y0 + 0.25 * h, w.y1 - 0.25 * h, w.x0 + 0.5, w.x1 - 0.5, w))
    boxes.sort(key=lambda b: b[0])
    found = []
    for i, (_top, bottom, left, right, word) in enumerate(boxes):
        for top2, _bottom2, left2, right2, word2 in boxes[i + 1 :]:
            if top2 >= bottom:
                break
            if left2 < right and left < right2:
                found.append(f"p{word.page}: {word.text!r} over {word2.text!r} at y={word.y0:.1f}")
    return found


async def test_every_export_prints_cleanly(db: Database, tmp_path: Path) -> None:
    t1 = await seed(db, long_text, cases=10)
    built: list[Built] = [
        *await stats_exports(db, Scope.province()),
        *await stats_exports(db, Scope.team(t1)),
        *training_exports(long_text, people=40),
        *[b for b in rejects_exports(long_text) if b.suffix == "xlsx"],
    ]
    files = []
    for index, b in enumerate(built):
        path = tmp_path / f"{index:02d}_{b.name.split('_')[0]}.xlsx"
        path.write_bytes(b.data)
        files.append(path)
    await _to_pdf(files, tmp_path)

    problems: list[str] = []
    casebooks = 0
    for path in files:
        pdf = path.with_suffix(".pdf")
        pages = await _pages(pdf)
        name = path.stem
        assert pages, f"{name}: no pages"
        for number, (width, height, words) in enumerate(pages, start=1):
            text = " ".join(w.text for w in words)
            if sorted((round(width), round(height))) != [595, 842]:
                problems.append(f"{name} p{number}: not A4 ({width}×{height})")
            # Every page numbered, "Trang n/N" at its foot.
            if f"Trang {number}/" not in text.replace(" / ", "/"):
                problems.append(f"{name} p{number}: no page number")
            problems += [f"{name} {p}" for p in _overlaps(words)]
            # Whatever the content, nothing is drawn past the paper's edge.
            if any(w.x1 > width or w.x0 < 0 for w in words):
                problems.append(f"{name} p{number}: text beyond the page width")
        first = " ".join(w.text for w in pages[0][2])
        landscape = pages[0][0] > pages[0][1]
        # Landscape where the table is wide: always for the official forms, by the widths for
        # the others.
        wide = name.split("_")[1] in {"10c", "results", "sotheodoi", "kh115"} or _wide(path)
        if landscape != wide:
            problems.append(f"{name}: landscape={landscape}, expected {wide}")
        # Fit to width: the last header of the table is on the first page, with the first.
        last_header = {"sotheodoi": "Ghi", "attendance": "Ký", "contest": "Nộp", "kh115": "Chênh"}.get(
            name.split("_")[1]
        )
        if last_header and last_header not in first:
            problems.append(f"{name}: the last column is not on page 1")
        if name.endswith("sotheodoi"):
            casebooks += 1
            problems += _casebook_rows(name, pages)
        if len(pages) > 1:
            header = {"attendance": "Họ", "contest": "Hạng", "sotheodoi": "STT"}.get(name.split("_")[1])
            for number, (_, _, words) in enumerate(pages[1:], start=2):
                if header and header not in {w.text for w in words}:
                    problems.append(f"{name} p{number}: header row not repeated")
    assert casebooks == 2
    assert problems == [], "\n".join(problems)


def _wide(path: Path) -> bool:
    ws = load_workbook(path).worksheets[0]
    columns = range(1, ws.max_column + 1)
    return fit.is_wide([ws.column_dimensions[get_column_letter(c)].width or 13 for c in columns])


def _casebook_rows(name: str, pages: list[tuple[float, float, list[Word]]]) -> list[str]:
    """Every word of every summary printed; each summary ends above the next one's start."""
    words = [w for _, _, ws in pages for w in ws]
    seen = Counter(w.text for w in words)
    problems = []
    starts = {w.text: w for w in words if w.text.startswith("ĐẦU")}
    ends = {w.text: w for w in words if w.text.startswith("CUỐI")}
    tags = sorted(int(t[3:]) for t in starts)
    if not tags:
        return [f"{name}: no tagged summary found"]
    for i in range(10, 20):
        expected = Counter(long_text(i).split())
        if f"ĐẦU{i}" not in starts:
            continue  # this summary belongs to the other team's sheet, or the other book
        missing = expected - seen
        if missing:
            problems.append(
                f"{name}: summary {i} lost {sum(missing.values())} word(s), e.g. {list(missing)[:3]}"
            )
        end = ends.get(f"CUỐI{i}")
        following = starts.get(f"ĐẦU{i + 1}")
        if end is None:
            problems.append(f"{name}: summary {i} has no last word on paper")
        elif following is not None and following.page == end.page and end.y1 > following.y0 + 1:
            problems.append(f"{name}: summary {i} runs into the next row ({end.y1:.1f} > {following.y0:.1f})")
    return problems
