"""Text cut to a width in pixels, for pictures made on the server (the link map's SVG), where no
browser measures it first.

The widths are DejaVu Sans's, the widest of the sans-serif fonts a viewer is likely to draw the
map with (Linux's default; Arial, Helvetica, Segoe UI and San Francisco are narrower), with a
margin on top: text cut to fit in DejaVu Sans fits in them too. What the table does not know
is counted wide: an emoji as more than an em, a CJK character or any other letter as one.
"""

from __future__ import annotations

import unicodedata

#: Advance widths of the printable ASCII characters (space to ~) in DejaVu Sans, thousandths of an em.
_ASCII = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 636 "
    "337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 "
    "611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 "
    "634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838"
)
ASCII_WIDTHS = dict(zip(map(chr, range(32, 127)), map(int, _ASCII.split()), strict=True))
MARGIN = 1.05
ELLIPSIS = "…"


def _char_width(char: str) -> int:
    """One character's advance in thousandths of an em, never less than the widest font's."""
    if char in ASCII_WIDTHS:
        return ASCII_WIDTHS[char]
    if char == ELLIPSIS:
        return 1000
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf") or 0xFE00 <= ord(char) <= 0xFE0F:
        return 0  # accents on a letter, joiners, variation selectors: no advance of their own
    if category == "So":
        return 1300  # emoji and symbols: wider than an em in some fonts
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1000  # CJK: an em
    base = unicodedata.normalize("NFKD", char)[:1]
    if len(unicodedata.normalize("NFKD", char)) > 1 and base in ASCII_WIDTHS:
        return ASCII_WIDTHS[base]  # é, ö, ñ: as wide as their letter
    return 1000


def text_width(text: str, font_px: float) -> float:
    """How wide ``text`` may be drawn at ``font_px``, in pixels (an upper bound, see above)."""
    return sum(_char_width(c) for c in text) * font_px * MARGIN / 1000


def _joined_to_previous(char: str) -> bool:
    """A character that belongs to the one before it (an accent, a variation selector, a joiner)."""
    return _char_width(char) == 0


def fit(text: str, max_px: float, font_px: float, keep: str = "") -> str:
    """``text`` followed by ``keep``, cut with an ellipsis where needed so that the whole fits in
    ``max_px``; ``keep`` (a count, say) always stays whole. A letter is never parted from its
    accents, nor an emoji from its joiner."""
    if text_width(text + keep, font_px) <= max_px:
        return text + keep
    room = max_px - text_width(ELLIPSIS + keep, font_px)
    cut, used = 0, 0.0
    for i, char in enumerate(text):
        used += _char_width(char) * font_px * MARGIN / 1000
        if used > room:
            break
        cut = i + 1
    while 0 < cut < len(text) and _joined_to_previous(text[cut]):
        cut -= 1  # do not leave an accent or a joined character behind
    while cut > 0 and text[cut - 1] == "\u200d":
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS + keep
