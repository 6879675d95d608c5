"""Normalisation keeps every offset: one character in, one character out."""

from hypothesis import given
from hypothesis import strategies as st

from kg.text import is_ascii_word, normalise, to_simplified, to_traditional


@given(st.text())
def test_normalise_keeps_length(text):
    assert len(normalise(text)) == len(text)


@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


def test_traditional_hk_and_simplified_variants_meet():
    assert normalise("衞生") == normalise("衛生") == normalise("卫生")
    assert normalise("臺灣") == normalise("台灣") == normalise("台湾")


def test_full_width_and_case():
    assert normalise("ＡＩＴ Ned") == "ait ned"


def test_display_conversions():
    assert to_simplified("蕭美琴") == "萧美琴"
    assert to_traditional("张惇涵") == "張惇涵"
    assert is_ascii_word("EAP Bureau") and not is_ascii_word("2021")
