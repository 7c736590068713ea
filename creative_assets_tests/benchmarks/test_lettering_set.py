"""The lettering set's parts stay apart: what Gate 1a is developed on says nothing about the part
it is scored on unless they share no face, word or seed; and the benchmark's "two looks"
baseline is the search without its pattern look, and its "four looks" baseline the search
without its texture-blind look, and its "five looks" baseline the search without its veil look."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from PIL import Image

from benchmarks import eval_lettering
from benchmarks.lettering_set import PARTS
from creative_assets.imaging import text_search


def test_the_parts_share_no_face_word_or_seed() -> None:
    for (_, (fonts_a, words_a, seed_a)), (_, (fonts_b, words_b, seed_b)) in combinations(PARTS.items(), 2):
        assert not set(fonts_a) & set(fonts_b)
        assert not {w.casefold() for w in words_a} & {w.casefold() for w in words_b}
        assert seed_a != seed_b


def test_there_is_a_held_out_part_and_parts_to_develop_on() -> None:
    assert {"held_out", "tune", "dev"} <= set(PARTS)


def test_the_two_looks_baseline_searches_without_the_pattern_look(monkeypatch: pytest.MonkeyPatch) -> None:
    grid = np.zeros((64, 64), np.uint8)
    grid[::8] = 255
    seen: list[list[tuple[int, int]]] = []
    monkeypatch.setattr(eval_lettering, "find_text", lambda img: seen.append(text_search.lattice(grid)) or [])
    eval_lettering.BEFORE["two-looks"](Image.new("RGB", (64, 64)))
    assert seen == [[]] and text_search.lattice(grid)


def test_the_four_looks_baseline_searches_without_the_texture_blind_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list] = []
    monkeypatch.setattr(
        eval_lettering, "find_text", lambda img: seen.append(text_search._blind_looks(None, img, 0.6)) or []
    )
    eval_lettering.BEFORE["four-looks"](Image.new("RGB", (64, 64)))
    assert seen == [[]]


def test_the_five_looks_baseline_searches_without_the_veil_look(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list] = []
    monkeypatch.setattr(
        eval_lettering,
        "find_text",
        lambda img: seen.append(text_search.veil_lines(None, img, None, [], 0.6)) or [],
    )
    eval_lettering.BEFORE["five-looks"](Image.new("RGB", (64, 64)))
    assert seen == [[]]
