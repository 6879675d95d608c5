"""Script-agnostic text normalisation that keeps every offset.

Matching must treat 臺灣, 台灣 and 台湾 alike, Ｔｗｉｔｔｅｒ and twitter alike, and still
report offsets into the text as written. Every function here maps one character to exactly
one character, so an offset in the normalised text is the same offset in the original.

Examples
--------
>>> normalise("臺灣總統府與ＡＩＴ")
'台湾总统府与ait'
>>> len(normalise("蕭美琴")) == len("蕭美琴")
True
"""

from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path

_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_INTERPUNCTS = "·・‧•･∙⋅"
_VARIANTS = {"巿": "市"}  # look-alikes that OpenCC leaves alone (巿 is a common typo of 市)


SIMPLIFIED_CHARACTERS = Path(__file__).parent / "data" / "simplified-characters.json"
"""What :func:`derive_simplified_characters` gives, shipped with kg (``python -m kg.text``
writes it again): normalising starts at once, and means the same with any OpenCC version."""


def derive_simplified_characters() -> dict[str, str]:
    """Each CJK character that OpenCC simplifies to one other character, from its Hong
    Kong, Taiwan and general Traditional-to-Simplified dictionaries (the last wins). Takes a
    tenth of a second, in every process that normalises: kg ships the result
    (:data:`SIMPLIFIED_CHARACTERS`).

    >>> derive_simplified_characters()["臺"]
    '台'
    """
    import opencc

    found: dict[str, str] = {}
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    joined = "\n".join(chars)
    for config in ("hk2s", "tw2s", "t2s"):  # later configs win; t2s is the reference
        converted = opencc.OpenCC(config).convert(joined).split("\n")
        if len(converted) != len(chars):
            continue
        for original, simple in zip(chars, converted):
            if len(simple) == 1 and simple != original:
                found[original] = simple
    return dict(sorted(found.items()))


@functools.cache
def _translation_table() -> dict[int, str]:
    """One-to-one character table: Traditional → Simplified, full-width → ASCII, lower case."""
    simplified = json.loads(SIMPLIFIED_CHARACTERS.read_bytes())
    table: dict[int, str] = {ord(original): simple for original, simple in simplified.items()}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII forms
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    for dot in _INTERPUNCTS:
        table[ord(dot)] = "·"
    for variant, standard in _VARIANTS.items():
        table[ord(variant)] = standard
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):  # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


@functools.cache
def _code_point_table():
    """The translation table as an array indexed by code point (vectorised lookups)."""
    import numpy as np

    table = np.arange(0x110000, dtype=np.uint32)
    mapped = _translation_table()
    table[np.fromiter(mapped, np.uint32, len(mapped))] = np.fromiter(
        map(ord, mapped.values()), np.uint32, len(mapped)
    )
    return table


def normalise(text: str) -> str:
    """Return `text` in Simplified script, half-width, lower-cased ASCII; same length.

    One array lookup per character (numpy), about ten times faster than ``str.translate``
    with a table this size.

    Examples
    --------
    >>> normalise("唐納德‧川普")
    '唐纳德·川普'
    """
    import numpy as np

    if len(text) < 64:
        return text.translate(_translation_table())
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _code_point_table()[codes].tobytes().decode("utf-32-le", "surrogatepass")


@functools.cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Convert to Simplified Chinese with OpenCC's phrase-aware t2s (for display, not offsets).

    >>> to_simplified("蕭美琴")
    '萧美琴'
    """
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Convert to Traditional Chinese (Taiwan standard) with OpenCC (for display, not offsets).

    >>> to_traditional("张惇涵")
    '張惇涵'
    """
    return _converter("s2t").convert(text)


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph.

    >>> is_cjk("中"), is_cjk("a")
    (True, False)
    """
    return unicodedata.category(char) == "Lo" and any(
        lo <= ord(char) <= hi for lo, hi in _CJK_RANGES
    )


def is_ascii_word(text: str) -> bool:
    """True when `text` is an English-like name: ASCII letters, digits, spaces, .-'&.

    >>> is_ascii_word("Ned Price"), is_ascii_word("金成")
    (True, False)
    """
    return text.isascii() and any(c.isalpha() for c in text)


if __name__ == "__main__":  # python -m kg.text: write the shipped table again
    SIMPLIFIED_CHARACTERS.parent.mkdir(exist_ok=True)
    SIMPLIFIED_CHARACTERS.write_text(
        json.dumps(derive_simplified_characters(), ensure_ascii=False, indent=0) + "\n",
        encoding="utf-8",
    )
