"""Normalisation keeps every offset: one character in, one character out."""

import json

from hypothesis import given
from hypothesis import strategies as st

from kg.text import (
    SIMPLIFIED_CHARACTERS,
    derive_simplified_characters,
    is_ascii_word,
    normalise,
    to_simplified,
    to_traditional,
)


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


def test_the_shipped_simplified_characters_are_what_opencc_gives():
    """If OpenCC's dictionaries change, regenerate the file with `python -m kg.text`."""
    shipped = json.loads(SIMPLIFIED_CHARACTERS.read_text(encoding="utf-8"))
    assert shipped == derive_simplified_characters()
    assert len(shipped) > 4000 and shipped["臺"] == "台" and shipped["灣"] == "湾"


_MAPPED = sorted(json.loads(SIMPLIFIED_CHARACTERS.read_text(encoding="utf-8")))


@given(
    st.text(
        st.one_of(
            st.sampled_from([*_MAPPED, "Ａ", "Ｚ", "ｚ", "　", "・"]),
            st.characters(exclude_categories=("Cs",)),
        ),
        min_size=64,
    )
)
def test_long_and_short_texts_normalise_alike(text):
    """Texts of 64 characters and more go through the code-point array, shorter ones
    through str.translate: the two tables agree."""
    assert normalise(text) == "".join(normalise(char) for char in text)
