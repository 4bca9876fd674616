"""corosync.conf parser and renderer: corosync's own rules, comments kept, byte-stable output."""

from __future__ import annotations

from pathlib import Path

import pytest

from clushell.corosync.conf import ConfError, Item, Section, parse

DATA = Path(__file__).resolve().parents[2] / "data" / "corosync"
SAMPLES = sorted(DATA.glob("*.conf"))


def test_samples_exist() -> None:
    names = {p.name for p in SAMPLES}
    assert {"debian-corosync.conf", "lab-3node.conf", "man-nodelist-3.conf", "man-votequorum-2node.conf"} <= names


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_round_trip_is_byte_stable(path: Path) -> None:
    text = path.read_text()
    assert parse(text).render() == text


def test_debian_config_structure() -> None:
    doc = parse((DATA / "debian-corosync.conf").read_text())
    assert [s.name for s in doc.sections()] == ["totem", "logging", "quorum", "nodelist"]
    totem = doc.sections("totem")[0]
    assert totem.get("cluster_name") == "debian" and totem.get("crypto_cipher") == "none"
    sub = doc.sections("logging")[0].sections("logger_subsys")[0]
    assert sub.get("subsys") == "QUORUM"
    node = doc.sections("nodelist")[0].sections("node")[0]
    assert (node.get("name"), node.get("nodeid"), node.get("ring0_addr")) == ("node1", "1", "127.0.0.1")
    # commented-out keys stay comments, not values
    assert node.get("ring1_addr") is None
    paths = [".".join(p) for p, _ in doc.walk()]
    assert "logging.logger_subsys.debug" in paths and "nodelist.node.ring0_addr" in paths


def test_changing_one_value_touches_only_that_line() -> None:
    text = (DATA / "debian-corosync.conf").read_text()
    doc = parse(text)
    doc.sections("totem")[0].set("cluster_name", "web")
    out = doc.render()
    before, after = text.splitlines(), out.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("\tcluster_name: debian", "\tcluster_name: web")]


def test_new_key_goes_after_the_last_item_with_the_section_indent() -> None:
    doc = parse("totem {\n  version: 2\n  # note\n}\n")
    doc.sections("totem")[0].set("token", "5000")
    assert doc.render() == "totem {\n  version: 2\n  token: 5000\n  # note\n}\n"


def test_new_section_uses_the_documents_indent_unit() -> None:
    doc = parse("totem {\n    version: 2\n}\n")
    q = doc.add_section("quorum")
    q.set("provider", "corosync_votequorum")
    assert doc.render().endswith("quorum {\n    provider: corosync_votequorum\n}\n")


def test_value_keeps_everything_after_the_first_colon() -> None:
    doc = parse("nodelist {\n node {\n  ring0_addr: fe80::1\n  name: a b\n }\n}\n")
    node = doc.sections("nodelist")[0].sections("node")[0]
    assert node.get("ring0_addr") == "fe80::1" and node.get("name") == "a b"


def test_repeated_key_last_wins_and_set_leaves_one() -> None:
    doc = parse("totem {\n token: 1\n token: 2\n}\n")
    totem = doc.sections("totem")[0]
    assert totem.get("token") == "2"
    totem.set("token", "3")
    assert doc.render() == "totem {\n token: 3\n}\n"


def test_crlf_and_missing_final_newline_survive() -> None:
    text = "totem {\r\n\tversion: 2\r\n}"
    assert parse(text).render() == text


def test_remove_key() -> None:
    doc = parse("quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n")
    assert doc.sections("quorum")[0].remove("two_node")
    assert doc.render() == "quorum {\n\tprovider: corosync_votequorum\n}\n"


@pytest.mark.parametrize(("text", "line", "col", "words"), [
    ("totem {\n  version: 2\n", 1, 1, "never closed"),
    ("totem {\n  version: 2\n}\n}\n", 4, 1, "closes no section"),
    ("totem { version: 2\n}\n", 1, 9, "extra characters after '{'"),
    ("  {\n}\n", 1, 3, "missing section name"),
    ("totem {\n  : 2\n}\n", 2, 3, "missing key name"),
    ("totem {\n  version 2\n}\n", 2, 3, "not a section"),
    ("totem {\n  x }\n}\n", 2, 3, "extra characters before or after '}'"),
    ("logging {\n  debug: off\n  }}\n", 3, 4, "extra characters"),
])
def test_syntax_errors_have_line_and_column(text: str, line: int, col: int, words: str) -> None:
    with pytest.raises(ConfError) as err:
        parse(text, "node2:/etc/corosync/corosync.conf")
    assert (err.value.line, err.value.col) == (line, col), str(err.value)
    assert words in str(err.value)
    assert str(err.value).startswith(f"node2:/etc/corosync/corosync.conf: line {line}, column {col}: ")


def test_model_types() -> None:
    doc = parse("a {\n b: c\n}\n")
    assert isinstance(doc, Section) and isinstance(doc.sections("a")[0].children[0], Item)
