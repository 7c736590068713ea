"""The lettering set's parts stay apart: what Gate 1a is developed on says nothing about the part
it is scored on unless they share no face, word or seed."""

from __future__ import annotations

from itertools import combinations

from benchmarks.lettering_set import PARTS


def test_the_parts_share_no_face_word_or_seed() -> None:
    for (_, (fonts_a, words_a, seed_a)), (_, (fonts_b, words_b, seed_b)) in combinations(PARTS.items(), 2):
        assert not set(fonts_a) & set(fonts_b)
        assert not {w.casefold() for w in words_a} & {w.casefold() for w in words_b}
        assert seed_a != seed_b


def test_there_is_a_held_out_part_and_parts_to_develop_on() -> None:
    assert {"held_out", "tune", "dev"} <= set(PARTS)
