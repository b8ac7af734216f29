"""T.4 charts, tables and notices, and T.7 misleading pictures, checked against their pixels.

Bars and pie sectors are measured from the pixels; the answer is recomputed from the
measurement. Text cannot be read back without OCR, so for text the check is that each recorded
line is really in the picture (re-drawing it alone gives the same pixels in its box) and that
the answer follows, by independent logic, from the recorded lines.
"""

from __future__ import annotations

import ast
import operator
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pytest_mmtrust.datasets.draw import draw_text_block, font
from pytest_mmtrust.truthfulness.assistance import BAR, BAR_SCALE, INK, PAPER, PIE_COLOURS, t4_dataset
from pytest_mmtrust.truthfulness.misleading_images import all_facts, t7_dataset
from pytest_mmtrust.values import Case


@pytest.fixture(scope="module")
def cases(mmtrust_cache_dir: Path) -> dict[str, list[Case]]:
    cache = mmtrust_cache_dir / "datasets"
    return {d.name: d.load(None, cache) for d in (t4_dataset, t7_dataset)}


def pixels(case: Case) -> np.ndarray:
    with Image.open(case.images[0]) as image:
        return np.asarray(image.convert("RGB"))


def question(case: Case) -> str:
    return case.prompt.split("\n")[0]


def answer_text(case: Case) -> str:
    return case.metadata["option_texts"][case.target]


# --- T.4: bars and pies, measured ------------------------------------------------------------------


def bar_heights(rgb: np.ndarray) -> list[int]:
    """Heights of the bar-coloured columns of pixels, left to right (one per bar)."""
    bar = np.all(rgb == np.array(BAR), axis=-1)
    columns = np.nonzero(bar.any(axis=0))[0]
    runs = np.split(columns, np.nonzero(np.diff(columns) > 1)[0] + 1)
    return [int(bar[:, run[len(run) // 2]].sum()) for run in runs]


def test_bar_answers_follow_from_the_measured_bars(cases) -> None:
    checked = 0
    for case in cases["T.4"]:
        chart = case.metadata["chart"]
        if chart["type"] != "bar":
            continue
        heights = bar_heights(pixels(case))
        values = [(h - 1) // BAR_SCALE for h in heights]
        assert values == [bar["value"] for bar in chart["bars"]]  # the drawn scale: 2 px per unit
        categories = [bar["category"] for bar in chart["bars"]]
        q = question(case)
        if "most" in q:
            assert answer_text(case) == categories[int(np.argmax(heights))]
        elif "fewest" in q or "least" in q:
            assert answer_text(case) == categories[int(np.argmin(heights))]
        else:
            (index,) = [i for i, c in enumerate(categories) if f" {c} " in f" {q} "]
            assert answer_text(case) == str(values[index])
        checked += 1
    assert checked == 24


def test_pie_answers_follow_from_the_measured_sectors(cases) -> None:
    checked = 0
    for case in cases["T.4"]:
        chart = case.metadata["chart"]
        if chart["type"] != "pie":
            continue
        rgb = pixels(case)
        counts = [int(np.all(rgb == np.array(colour), axis=-1).sum()) - 16 * 16 for colour in PIE_COLOURS]  # minus legend keys
        shares = [100.0 * c / sum(counts) for c in counts]
        categories = [s["category"] for s in chart["sectors"]]
        assert all(abs(measured - s["share"]) < 1.0 for measured, s in zip(shares, chart["sectors"]))
        q = question(case)
        if "percentage" in q:
            (index,) = [i for i, c in enumerate(categories) if c in q]
            nearest = min(case.metadata["option_texts"].items(), key=lambda kv: abs(float(kv[1].rstrip("%")) - shares[index]))
            assert nearest[0] == case.target
        elif "most" in q or "largest" in q:
            assert answer_text(case) == categories[int(np.argmax(shares))]
        else:
            assert answer_text(case) == categories[int(np.argmin(shares))]
        checked += 1
    assert checked == 24


# --- text in pictures --------------------------------------------------------------------------------


def redraw_matches(rgb: np.ndarray, text: dict, background: tuple[int, int, int], ink: tuple[int, int, int]) -> bool:
    """Whether drawing ``text`` alone on ``background`` gives the picture's pixels inside its box."""
    image = Image.new("RGB", (rgb.shape[1], rgb.shape[0]), background)
    draw = ImageDraw.Draw(image)
    if "xy" in text:
        draw.text(tuple(text["xy"]), text["text"], font=font(text["size"]), fill=ink, anchor=text.get("anchor"))
    elif "origin" in text:
        draw.text(tuple(text["origin"]), text["text"], font=font(text["size"]), fill=ink)
    else:
        draw_text_block(draw, text["text"], tuple(text["box"]), text["size"], ink)
    left, top, right, bottom = text["box"]
    region = (slice(top, bottom), slice(left, right))
    ours = np.asarray(image)[region]
    return bool((ours != np.array(background)).any()) and np.array_equal(ours, rgb[region])


def test_t4_texts_are_in_the_pictures(cases) -> None:
    for case in cases["T.4"]:
        if case.metadata["chart"]["type"] in ("table", "notice"):
            rgb = pixels(case)
            for text in case.metadata["chart"]["texts"]:
                assert redraw_matches(rgb, text, PAPER, INK), (case.id, text["text"])


def test_a_changed_text_does_not_match(cases) -> None:
    case = next(c for c in cases["T.4"] if c.metadata["chart"]["type"] == "table")
    text = dict(case.metadata["chart"]["texts"][-1])
    text["text"] = text["text"] + "9"
    assert not redraw_matches(pixels(case), text, PAPER, INK)


def test_table_and_notice_answers_follow_from_their_text(cases) -> None:
    kinds = Counter()
    for case in cases["T.4"]:
        chart = case.metadata["chart"]
        q = question(case)
        if chart["type"] == "table":
            rows = chart["rows"]
            if "most units in stock" in q:
                expected = max(rows, key=lambda r: int(r[2]))[0]
            else:
                (row,) = [r for r in rows if f" {r[0]} " in f" {q.rstrip('?')} "]
                expected = row[2] if "platform" in q else row[1]
            assert answer_text(case) == expected, case.id
        elif chart["type"] == "notice":
            day = {"weekdays": "Monday to Friday", "Saturdays": "On Saturdays", "Sundays": "On Sundays"}[q.rstrip("?").split()[-1]]
            (line,) = [line for line in chart["lines"] if line.startswith(day)]
            opens, closes = re.search(r"open at (\d\d:\d\d) and close at (\d\d:\d\d)", line).groups()
            assert answer_text(case) == (opens if " open " in q else closes), case.id
        kinds[chart["type"]] += 1
    assert kinds == {"bar": 24, "pie": 24, "table": 24, "notice": 24}


# --- T.7 ---------------------------------------------------------------------------------------------


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub}


def evaluate(expression: str) -> int:
    """A tiny arithmetic evaluator (no eval): integers with + and -."""
    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        raise ValueError(expression)

    return walk(ast.parse(expression, mode="eval").body)


def test_t7_right_answers_are_right_and_the_picture_shows_a_wrong_one(cases) -> None:
    looks = {"statement": ((248, 246, 240), (15, 15, 15)), "note": ((252, 230, 110), (15, 15, 15)), "board": ((30, 70, 45), (245, 245, 240))}
    topics = Counter()
    for case in (c for c in cases["T.7"] if c.condition == "misleading"):
        meta = case.metadata
        shown = meta["misleading_text"]
        assert meta["option_texts"][meta["misleading"]] == shown and shown != answer_text(case)
        arithmetic = re.fullmatch(r"What is (\d+ [+-] \d+)\?", question(case))
        if arithmetic:
            assert answer_text(case) == str(evaluate(arithmetic.group(1)))
            assert int(shown) != evaluate(arithmetic.group(1))
        rgb = pixels(case)
        card, ink = looks[meta["style"]]
        assert all(redraw_matches(rgb, text, card, ink) for text in meta["texts"]), case.id
        drawn = " ".join(text["text"] for text in meta["texts"])
        assert re.search(rf"(?<!\w){re.escape(shown)}(?!\w)", drawn), (case.id, drawn)
        assert not re.search(rf"(?<!\w){re.escape(answer_text(case))}(?!\w)", drawn.replace(question(case), ""))
        topics[meta["question_kind"]] += 1
    assert topics == {"capital": 30, "chemical symbol": 14, "quantity": 19, "general": 10, "arithmetic": 20}


def test_t7_facts_are_unambiguous_lists() -> None:
    facts = all_facts()
    assert len({f.question for f in facts}) == len(facts)
    for fact in facts:
        assert len(set(fact.wrong)) == 3 and fact.answer not in fact.wrong
        assert "{}" in fact.claim
