import pytest

from clushell.batch import read_statements
from clushell.errors import UsageError
from clushell.lineparse import needs_continuation, tokenize


def texts(line):
    return [t.text for t in tokenize(line)]


def test_plain_words_and_columns():
    toks = tokenize("primitive  p1 Dummy")
    assert [t.text for t in toks] == ["primitive", "p1", "Dummy"]
    assert [t.column for t in toks] == [1, 12, 15]


def test_quotes_follow_shell_rules():
    assert texts('params ip="10.0.0.1" msg="a b"') == ["params", "ip=10.0.0.1", "msg=a b"]
    assert texts("x='$(touch /tmp/p)' y=\"say \\\"hi\\\"\"") == ["x=$(touch /tmp/p)", 'y=say "hi"']
    assert texts(r"a\ b c") == ["a b", "c"]


def test_hash_inside_a_line_is_a_value():
    assert texts("meta color=#fff note=a#b") == ["meta", "color=#fff", "note=a#b"]


def test_unterminated_quote_names_the_column():
    with pytest.raises(UsageError) as err:
        tokenize('primitive p1 Dummy params x="abc')
    assert err.value.column == 29
    assert "unterminated" in err.value.message


def test_tolerant_mode_keeps_the_partial_word():
    assert [t.text for t in tokenize('show "p', tolerant=True)] == ["show", "p"]


def test_continuation_and_comments_in_scripts():
    import io

    script = "# comment\nconfigure\nprimitive p1 Dummy \\\n   op monitor interval=10s\n\n  # indented comment\nup\n"
    assert list(read_statements(io.StringIO(script))) == [
        (2, "configure"),
        (3, "primitive p1 Dummy op monitor interval=10s"),
        (7, "up"),
    ]
    assert needs_continuation("a \\") and not needs_continuation("a")
