"""What the letters of ordinary Latin faces are made of, as far as faces agree: dots above them,
pieces, holes (counters), and the pairs a face may draw as one ligature glyph. The glyph check
(gates/glyphs.py) holds the ink of each line against these."""

from __future__ import annotations

# Dots (marks above the x-height or cap height) per letter; other characters have none.
MARKS = {**dict.fromkeys("ijïÏ", 1), **dict.fromkeys("äöüÄÖÜëÿ", 2), **dict.fromkeys("íìîéèêáàâóòôúùûÉÈ", 1)}
# Pieces in the body of the line (dots not counted), where not one.
PIECES = {
    "%": 3,
    ":": 2,
    ";": 2,
    "!": 2,
    "?": 2,
    "=": 2,
    '"': 0,
    "'": 0,
    "“": 0,
    "”": 0,
    "‘": 0,
    "’": 0,
    "„": 2,
}
# Holes (counters) per character as (fewest, most) across ordinary faces. The a, its umlaut and
# the A, P, R whose counters a serif face at a small size closes up or pinches into two are
# not counted (their holes would fail clean serif text more often than they catch damage).
HOLES: dict[str, tuple[int, int]] = {
    **{c: (1, 1) for c in "DOQbdeopqöÖéèêëóòôÉ069"},
    **{c: (0, 2) for c in "aäàáâAÄPR"},
    **{c: (2, 2) for c in "B8%"},
    "g": (1, 2),  # single- or double-storey
    "&": (1, 2),
    "@": (1, 2),
    "4": (0, 1),  # open or closed
    "£": (0, 1),
}
# Letter pairs a font may draw as one ligature glyph; in the first group the i's dot may become
# part of it.
DOT_LIGATURES = {"fi", "ti", "fj"}
LIGATURES = DOT_LIGATURES | {"ff", "fl", "ft", "fb", "fh", "fk", "tt", "tf"}
TRIPLE_LIGATURES = {"ffi", "ffl"}  # three letters a font may draw as one glyph
