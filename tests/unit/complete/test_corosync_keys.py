"""Completion of corosync.conf keys section by section, through the real tree (corosync get/set)."""

from __future__ import annotations

from clushell.commands.root import GLOBALS, build_tree
from clushell.complete.base import Source
from clushell.complete.engine import complete_words


def texts(words: list[str], current: str) -> list[str]:
    root = build_tree()
    return [c.text for c in complete_words(root, GLOBALS, [root], words, current, Source())]


def test_sections_first_then_their_keys() -> None:
    top = texts(["corosync", "set"], "")
    assert {"totem.", "quorum.", "logging.", "nodelist."} <= set(top) and all(t.endswith(".") for t in top)
    assert texts(["corosync", "get"], "tot") == ["totem."]
    keys = texts(["corosync", "set"], "totem.to")
    assert "totem.token" in keys and "totem.token_coefficient" in keys and "totem.transport" not in keys
    assert texts(["corosync", "set"], "quorum.two") == ["quorum.two_node"]
    assert "quorum.device." in texts(["corosync", "set"], "quorum.")
    assert "quorum.device.net.host" in texts(["corosync", "set"], "quorum.device.net.h")


def test_the_levels_are_completed() -> None:
    assert "cluster" in texts([], "clu") and "corosync" in texts([], "cor")
    assert set(texts(["cluster"], "")) >= {"init", "status", "health", "start", "stop", "restart", "add", "remove",
                                           "run"}
    assert "--force" in texts(["cluster", "init", "web", "n1"], "--")
