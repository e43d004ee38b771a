import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.phone import mask_phone, normalize_vn_mobile


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "84912345678",
        "(+84) 912-345-678",
        "+84 912 345 678",
        "+84 0912 345 678",
        "0084912345678",
        " 0912345678 ",
    ],
)
def test_accepts_common_spellings(text: str) -> None:
    assert normalize_vn_mobile(text) == "+84912345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0312345678", "+84312345678"),
        ("0512345678", "+84512345678"),
        ("0712345678", "+84712345678"),
        ("0812345678", "+84812345678"),
        ("0841234567", "+84841234567"),  # 08x starting with "84" is still a local number
    ],
)
def test_all_mobile_prefixes(text: str, expected: str) -> None:
    assert normalize_vn_mobile(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "912345678",  # no trunk zero, no country code: could be an ID number
        "0212345678",  # 02x is a landline prefix
        "0112345678",
        "0612345678",
        "02053812345",  # landline
        "+1 912 345 678",
        "0912x345678",
        "０９１２３４５６７８",  # full-width digits
        "+8491234567",
    ],
)
def test_rejects(text: str) -> None:
    assert normalize_vn_mobile(text) is None


@given(st.text(max_size=40))
def test_never_raises_and_returns_e164(text: str) -> None:
    result = normalize_vn_mobile(text)
    assert result is None or (result.startswith("+84") and len(result) == 12 and result[1:].isdigit())


@given(st.sampled_from("35789"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_normalisation_is_idempotent(second: str, rest: str) -> None:
    e164 = normalize_vn_mobile("0" + second + rest)
    assert e164 == "+84" + second + rest
    assert normalize_vn_mobile(e164) == e164


def test_mask_phone() -> None:
    assert mask_phone("+84912345678") == "+8491***678"
    assert mask_phone("") == "***"
    assert "2345" not in mask_phone("+84912345678")
