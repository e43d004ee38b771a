import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.privacy import mask_sensitive


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("SĐT 0912345678", "SĐT ********78", 1),
        ("SĐT: 0912 345 678.", "SĐT: **** *** *78.", 1),
        ("gọi 0912.345.678 nhé", "gọi ****.***.*78 nhé", 1),
        ("(+84) 912-345-678", "(+**) ***-***-*78", 1),
        ("+84912345678", "+*********78", 1),
        ("+84 912 345 678", "+** *** *** *78", 1),
        ("84912345678", "*********78", 1),
        ("máy bàn 0205 3812 345", "máy bàn **** **** *45", 1),
        ("CCCD 001234567890", "CCCD **********90", 1),
        ("CCCD 001 234 567 890", "CCCD *** *** *** *90", 1),
        ("CCCD 001.234.567.890", "CCCD ***.***.***.*90", 1),
        ("CMND 012345678", "CMND *******78", 1),
        ("CMND 012.345.678", "CMND ***.***.*78", 1),
        ("001234567890 0912345678", "**********90 ********78", 2),
        ("email nguyenvana@gmail.com", "email n*********@gmail.com", 1),
        ("a@b.vn", "*@b.vn", 1),
        ("sdt0912345678", "sdt********78", 1),
        # the number after a date is masked, the date is not
        ("12.03.2026 0912 345 678", "12.03.2026 **** *** *78", 1),
        ("ngày 12 03 2026 0912 345 678", "ngày 12 03 2026 **** *** *78", 1),
        ("năm 2026 0912345678", "năm 2026 ********78", 1),
        # "đồng ý" (agree) is not a currency word
        ("0912345678 đồng ý", "********78 đồng ý", 1),
        ("123456789 đồng ý", "*******89 đồng ý", 1),
    ],
)
def test_masks(text: str, expected: str, count: int) -> None:
    assert mask_sensitive(text) == (expected, count)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hai bên đã hòa giải thành.",
        "ngày 12/03/2026",
        "12/3/2026 và 1/1/2025",
        "12.03.2026",
        "12-03-2026",
        "bồi thường 300.000 đ",
        "bồi thường 300.000đ",
        "bồi thường 300.000.000 đồng",
        "300.000.000 VNĐ",
        "1.500.000.000 đ",
        "2.000.000 đồng",
        "thửa đất số 123, tờ bản đồ 45, diện tích 250 m2",
        "năm 2026 có 15 vụ",
        "12345678",  # 8 digits: neither an ID nor a phone
        "0912345",
    ],
)
def test_leaves_alone(text: str) -> None:
    assert mask_sensitive(text) == (text, 0)


def test_bare_nine_digit_amount_is_masked_on_purpose() -> None:
    # Without a currency word "300.000.000" is indistinguishable from a CMND: mask it.
    assert mask_sensitive("300.000.000") == ("***.***.*00", 1)


_ASCII_DIGIT = re.compile(r"[0-9]")


@given(st.text(max_size=200))
def test_never_raises_and_only_stars_digits_or_email_chars(text: str) -> None:
    masked, count = mask_sensitive(text)
    assert len(masked) == len(text)
    assert count >= 0
    assert (count == 0) == (masked == text)
    for before, after in zip(text, masked, strict=True):
        if before != after:
            assert after == "*"


@given(st.text(alphabet="0123456789 .-+()/@abcđ", max_size=80))
def test_digit_heavy_text(text: str) -> None:
    masked, count = mask_sensitive(text)
    assert len(masked) == len(text)
    assert (count == 0) == (masked == text)


# Filler words that cannot glue onto a number or read as a currency word.
_filler = st.lists(
    st.sampled_from(["anh", "Nguyễn", "Văn", "A", "số", "là", "gọi", "liên hệ", "CCCD:", "(", ")", ",", "—"]),
    max_size=5,
).map(" ".join)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(out)


_mobile_local = st.builds(lambda p, r: "0" + p + r, st.sampled_from("35789"), _digits(8))


@st.composite
def _phone(draw: st.DrawFn) -> tuple[str, str]:
    """(written form, its digits) of a mobile number in one of the usual spellings."""
    local = draw(_mobile_local)
    style = draw(st.sampled_from(["plain", "4-3-3", "dots", "dashes", "+84", "+84 spaced", "(+84)", "84"]))
    if style == "plain":
        written = local
    elif style == "4-3-3":
        written = _group(local, (4, 3, 3), " ")
    elif style == "dots":
        written = _group(local, (4, 3, 3), ".")
    elif style == "dashes":
        written = _group(local, (4, 3, 3), "-")
    elif style == "+84":
        written = "+84" + local[1:]
    elif style == "+84 spaced":
        written = "+84 " + _group(local[1:], (3, 3, 3), " ")
    elif style == "(+84)":
        written = "(+84) " + _group(local[1:], (3, 3, 3), "-")
    else:
        written = "84" + local[1:]
    return written, re.sub(r"[^0-9]", "", written)


@st.composite
def _id_number(draw: st.DrawFn) -> tuple[str, str]:
    length = draw(st.sampled_from([9, 12]))
    digits = draw(_digits(length))
    style = draw(st.sampled_from(["plain", "spaced", "dots"]))
    sizes = (3,) * (length // 3)
    written = digits if style == "plain" else _group(digits, sizes, " " if style == "spaced" else ".")
    return written, digits


@given(_filler, st.one_of(_phone(), _id_number()), _filler)
def test_embedded_identifiers_keep_at_most_two_digits(
    before: str, number: tuple[str, str], after: str
) -> None:
    written, digits = number
    text = f"{before} {written} {after}"
    masked, count = mask_sensitive(text)
    assert count == 1
    assert _ASCII_DIGIT.findall(masked) == list(digits[-2:])
    assert masked.startswith(before) and masked.endswith(after)


@given(_filler, st.dates(), _filler, st.sampled_from(["/", ".", "-"]))
def test_dates_are_not_masked(before: str, d: date, after: str, sep: str) -> None:
    day = f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year:04d}"
    text = f"{before} {day} {after}"
    assert mask_sensitive(text) == (text, 0)


@given(
    _filler,
    st.integers(min_value=1, max_value=999_999_999_999),
    st.sampled_from([" đ", "đ", " đồng", " VNĐ", " vnd", "₫"]),
)
def test_amounts_with_currency_are_not_masked(before: str, amount: int, currency: str) -> None:
    written = f"{amount:,}".replace(",", ".") + currency
    text = f"{before} {written} nhé"
    assert mask_sensitive(text) == (text, 0)


def test_an_amount_shaped_like_84_and_nine_digits_is_money() -> None:
    # Found by the property above: 84 + 9 digits is a phone's shape, the currency word says money.
    assert mask_sensitive("Tiền 84.300.000.000 đ nhé") == ("Tiền 84.300.000.000 đ nhé", 0)
    assert mask_sensitive("gọi +84 912 345 678 đ")[1] == 1


@given(st.lists(_phone(), min_size=2, max_size=4))
def test_several_numbers_in_one_message(numbers: list[tuple[str, str]]) -> None:
    text = " và ".join(written for written, _ in numbers)
    masked, count = mask_sensitive(text)
    assert count == len(numbers)
    assert _ASCII_DIGIT.findall(masked) == [d for _, digits in numbers for d in digits[-2:]]
