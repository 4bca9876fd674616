"""The REPL's menu shows at most MENU_CAP completions, and Tab still inserts the same common part."""

from __future__ import annotations

import os

from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix
from prompt_toolkit.document import Document

from clushell.complete.base import Candidate
from clushell.ui.completer import MENU_CAP, menu_items


def test_few_candidates_are_all_shown() -> None:
    cands = [Candidate(f"p{i}") for i in range(MENU_CAP)]
    assert menu_items(cands, "p") == (cands, 0)


def test_many_candidates_are_capped_with_the_extremes_kept() -> None:
    cands = [Candidate(f"p0{i:05d}") for i in range(5000, 20000)] + [Candidate("p0"), Candidate("p0zz")]
    shown, more = menu_items(cands, "p")
    assert len(shown) == MENU_CAP and more == len(cands) - MENU_CAP
    assert Candidate("p0") in shown and Candidate("p0zz") in shown
    assert os.path.commonprefix([c.text for c in shown]) == os.path.commonprefix([c.text for c in cands])


def test_common_part_as_prompt_toolkit_computes_it() -> None:
    from prompt_toolkit.completion import Completion

    cands = [Candidate(f"res-{i:05d}") for i in range(20000)]
    doc = Document("show r")
    full = [Completion(c.text, start_position=-1) for c in cands]
    shown, _ = menu_items(cands, "r")
    capped = [Completion(c.text, start_position=-1) for c in shown]
    assert get_common_complete_suffix(doc, capped) == get_common_complete_suffix(doc, full) == "es-"


def test_quoted_words_are_never_capped() -> None:
    cands = [Candidate(f"p{i}") for i in range(MENU_CAP + 5)]
    assert menu_items(cands, '"p') == (cands, 0)


def test_adapter_says_how_many_are_left_out() -> None:
    from clushell.ui.completer import TreeCompleter

    class Fake(TreeCompleter):
        def __init__(self) -> None:
            pass

    completer = Fake()
    completer.session = None
    import clushell.ui.completer as mod

    real = mod.complete_line
    mod.complete_line = lambda session, text, providers: [Candidate(f"id{i}") for i in range(MENU_CAP + 50)]
    try:
        completer.providers = None
        got = list(completer.get_completions(Document("show id"), CompleteEvent()))
    finally:
        mod.complete_line = real
    assert len(got) == MENU_CAP + 1
    assert got[-1].display_text == "... 50 more"


def test_the_common_part_is_kept_for_any_list() -> None:
    import random

    rng = random.Random(7)
    for _ in range(200):
        stems = ["p0", "p1", "web-", "db", "p", "x"]
        n = rng.choice([MENU_CAP + 1, MENU_CAP * 3])
        texts = [rng.choice(stems[: rng.randint(1, len(stems))]) + str(rng.randint(0, 99999)) for _ in range(n)]
        typed = os.path.commonprefix(texts)[: rng.randint(0, 2)]
        cands = [Candidate(t) for t in texts]
        shown, more = menu_items(cands, typed)
        assert len(shown) + more == len(cands) and len(shown) <= MENU_CAP
        assert os.path.commonprefix([c.text for c in shown]) == os.path.commonprefix(texts)
