"""Lexer and parser of the crm configure language: tokens, columns, AST (id-less XML)."""

from __future__ import annotations

import pytest
from lxml import etree

from clushell.cib.build import parse_statement
from clushell.cib.lexer import split_statements, tokenize
from clushell.cib.parse import ParseError, score_attr
from clushell.errors import ClushError


def parse(line: str):
    return parse_statement(tokenize(line), line)


def xml(el) -> str:
    return etree.tostring(el).decode()


def test_tokens_keep_columns_and_quotes() -> None:
    toks = tokenize('primitive  d1 Dummy params fake="a b" x=\'q"\' y=\\$z')
    assert [t.text for t in toks] == ["primitive", "d1", "Dummy", "params", "fake=a b", 'x=q"', "y=$z"]
    assert [t.col for t in toks] == [1, 12, 15, 21, 28, 39, 46]
    assert not toks[4].quoted  # began with a letter: may still be name=value
    assert tokenize('"params"')[0].quoted


def test_unterminated_quote_is_an_error_with_column() -> None:
    with pytest.raises(ClushError) as exc:
        tokenize('primitive d1 Dummy params fake="oops')
    assert exc.value.column == 27


def test_statements_join_continuations_and_attach_comments() -> None:
    text = "# web server\nprimitive d1 Dummy \\\n\tparams fake=1\n\n# lone\n\norder o1 d1 d2\n"
    stmts = split_statements(text)
    assert [s.text for s in stmts] == ["primitive d1 Dummy params fake=1", "order o1 d1 d2"]
    assert stmts[0].comments == ("# web server",)
    assert stmts[0].line == 2 and stmts[1].line == 7
    assert stmts[1].comments == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inf", ("score", "INFINITY")),
        ("-INFINITY", ("score", "-INFINITY")),
        ("+inf", ("score", "+INFINITY")),
        ("100", ("score", "100")),
        ("-5", ("score", "-5")),
        ("Mandatory", ("score", "INFINITY")),
        ("advisory", ("score", "0")),
    ],
)
def test_scores(text: str, expected: tuple[str, str]) -> None:
    from clushell.cib.lexer import Token

    assert score_attr(Token(text + ":", 1), text) == expected


def test_score_attribute_only_in_rules() -> None:
    from clushell.cib.lexer import Token

    assert score_attr(Token("pingd:", 1), "pingd", allow_attr=True) == ("score-attribute", "pingd")
    with pytest.raises(ParseError):
        score_attr(Token("pingd:", 1), "pingd")


def test_primitive_sections_in_input_order() -> None:
    p = parse("primitive d1 ocf:pacemaker:Dummy meta a=1 params b=2 op monitor interval=10s depth=0 utilization cpu=1")
    el = p.element
    assert (el.get("class"), el.get("provider"), el.get("type")) == ("ocf", "pacemaker", "Dummy")
    assert [c.tag for c in el] == ["meta_attributes", "instance_attributes", "operations", "utilization"]
    op = el.find("operations/op")
    assert op.attrib == {"name": "monitor", "interval": "10s"}
    assert op.find("instance_attributes/nvpair").get("name") == "depth"


def test_short_agent_forms() -> None:
    assert parse("primitive d Dummy").element.get("provider") is None  # resolved by build
    st = parse("primitive f stonith:fence_ipmilan").element
    assert (st.get("class"), st.get("provider"), st.get("type")) == ("stonith", None, "fence_ipmilan")
    assert parse("primitive t @tpl").element.get("template") == "tpl"


def test_op_missing_interval_gets_zero_and_order_rule() -> None:
    op = parse("primitive d Dummy op start timeout=20").element.find("operations/op")
    assert op.get("interval") == "0"
    with pytest.raises(ParseError) as exc:
        parse("primitive d Dummy op monitor depth=0 timeout=20")
    assert exc.value.token == "timeout=20"


def test_nvpair_forms() -> None:
    el = parse("primitive d Dummy params a= b c=x=y @ref:d $myid:e=1").element
    nvs = [dict(nv.attrib) for nv in el.iter("nvpair")]
    assert nvs == [
        {"name": "a", "value": ""},
        {"name": "b"},
        {"name": "c", "value": "x=y"},
        {"id-ref": "ref", "name": "d"},
        {"id": "myid", "name": "e", "value": "1"},
    ]


def test_location_rule_expressions() -> None:
    el = parse("location l5 ms1 rule $role=Master inf: #uname eq n1 and date gt 2024-01-01").element
    rule = el.find("rule")
    assert rule.get("role") == "Master" and rule.get("score") == "INFINITY"
    assert [c.tag for c in rule] == ["expression", "date_expression"]
    assert rule[1].attrib == {"operation": "gt", "start": "2024-01-01"}
    el = parse("location l4 d2 rule -inf: not_defined pingd or pingd number:lte param{x}").element
    rule = el.find("rule")
    assert rule.get("boolean-op") == "or"
    assert rule[1].attrib == {"operation": "lte", "attribute": "pingd", "type": "number", "value": "x",
                              "value-source": "param"}
    with pytest.raises(ParseError) as exc:
        parse("location l d1 rule 10: a eq 1 and b eq 2 or c eq 3")
    assert exc.value.token == "or"


def test_date_in_with_duration_and_spec() -> None:
    el = parse("location l8 d3 rule date in start=2024-01-01 weeks=2").element
    de = el.find("rule/date_expression")
    assert de.get("operation") == "in_range" and de.find("duration").attrib == {"weeks": "2"}
    el = parse("location l7 d3 rule date spec hours=9-16 weekdays=1-5").element
    assert el.find("rule/date_expression/date_spec").attrib == {"hours": "9-16", "weekdays": "1-5"}


def test_colocation_sets_grouping() -> None:
    el = parse("colocation c4 inf: d1 ( d2 d3 ) [d4 d5] d6:Started d7:Started").element
    sets = el.findall("resource_set")
    assert [dict(s.attrib) for s in sets] == [
        {},
        {"sequential": "false"},
        {"sequential": "false", "require-all": "false"},
        {"role": "Started"},
    ]
    assert [[r.get("id") for r in s] for s in sets] == [["d1"], ["d2", "d3"], ["d4", "d5"], ["d6", "d7"]]
    simple = parse("colocation c2 -inf: d1:Started ms1:Promoted node-attribute=rack").element
    assert simple.attrib == {"id": "c2", "score": "-INFINITY", "rsc": "d1", "rsc-role": "Started",
                             "with-rsc": "ms1", "with-rsc-role": "Promoted", "node-attribute": "rack"}


def test_order_kinds() -> None:
    assert parse("order o Serialize: a b").element.get("kind") == "Serialize"
    assert parse("order o mandatory: a b").element.get("kind") == "Mandatory"
    assert parse("order o 0: a b").element.get("kind") == "Optional"
    assert parse("order o a b").element.get("kind") is None
    o = parse("order o a:promote b:start symmetrical=no").element
    assert o.attrib == {"id": "o", "symmetrical": "false", "first": "a", "first-action": "promote",
                        "then": "b", "then-action": "start"}
    with pytest.raises(ParseError):
        parse("order o advisory: a b")


def test_defaults_set_ids() -> None:
    p = parse("property cib-bootstrap-options: stonith-enabled=false")
    assert p.ident == "cib-bootstrap-options"
    assert parse("rsc_defaults a=1").ident == "rsc-options"
    assert parse("op_defaults $id=od2 timeout=10s").ident == "od2"


def test_fencing_targets() -> None:
    p = parse("fencing_topology n1: f1 f2,f3 attr:rack=1 f4 pattern:n.* f5")
    levels = [(t, [d.text for d in devs]) for t, _tok, devs in p.extra["levels"]]
    assert levels == [
        (("node", "n1"), ["f1"]),
        (("node", "n1"), ["f2", "f3"]),
        (("attr", "rack=1"), ["f4"]),
        (("pattern", "n.*"), ["f5"]),
    ]


@pytest.mark.parametrize(
    ("line", "token"),
    [
        ("primitive 123 Dummy", "123"),
        ("primitive d1 a:b:c:d", "a:b:c:d"),
        ("primitive d1 Dummy meta a=1 op_params x=1", "op_params"),
        ("group g1 d1 d1", "d1"),
        ("location l1 d1 abc: n1", "abc:"),
        ("location l1 d1 rule 10: a foo b", "foo"),
        ("colocation c1 inf: d1 ( d2 ( d3 ) )", "("),
        ("colocation c1 inf: d1:Bogus d2", "d1:Bogus"),
        ("order o1 d1:jump d2", "d1:jump"),
        ("property no-quorum-policy=bogus", "no-quorum-policy=bogus"),
        ("property stonith-enabled=", "stonith-enabled="),
        ("primitive d1 Dummy op monitor timout=10", "timout=10"),
        ("rsc_ticket t1 d1", "d1"),
        ("frobnicate x", "frobnicate"),
    ],
)
def test_errors_name_the_token(line: str, token: str | None) -> None:
    with pytest.raises(ClushError) as exc:
        parse(line)
    if token is not None:
        assert exc.value.token == token
        assert exc.value.column == line.index(token) + 1 if line.count(token) == 1 else exc.value.column
    assert "\n" not in exc.value.message


# -- robustness: any sequence of words is either applied or refused with a ClushError -----------
_WORDS = [
    "primitive", "group", "clone", "ms", "location", "colocation", "order", "rsc_ticket", "property",
    "rsc_defaults", "op_defaults", "node", "tag", "monitor", "fencing_topology", "xml", "rsc_template",
    "d1", "d2", "g1", "n1", "Dummy", "ocf:heartbeat:Dummy", "@d1", "params", "meta", "op", "operations",
    "op_params", "op_meta", "utilization", "attributes", "rule", "and", "or", "date", "in", "spec", "lt", "eq",
    "defined", "inf:", "-inf:", "10:", "abc:", "$id=x", "$id-ref=d1", "$role=Master", "a=1", "b=", "=c", "(", ")",
    "[", "]", "{", "}", "d1:Started", "d2:start", "node-attribute=x", "symmetrical=yes", "interval=10s",
    "start=2020", "weeks=2", "hours=1", "#uname", "number:gt", "attr:a=b", "pattern:x", "f1,f2", "<primitive/>",
    "<bad", "_rsc_set_", "10s:5s", "role=Started", ":", "a:b:c:d", "$x:y=1", "@", "$", "é=ü", "'q r'",
]


def test_random_statements_never_crash_and_failures_change_nothing() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from clushell.cib import apply_text
    from clushell.cib.build import apply_line
    from clushell.cib.model import CibModel

    base = CibModel.empty()
    apply_text(base, "node n1\nprimitive d1 Dummy\nprimitive d2 Dummy\ngroup g1 d2\n"
                     "primitive f1 stonith:fence_watchdog")

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=10))
    def check(words: list[str]) -> None:
        model = base.copy()
        before = model.to_xml()
        try:
            apply_line(model, " ".join(words))
        except ClushError as exc:
            assert "\n" not in exc.message
            assert model.to_xml() == before
            assert model.index.keys() == base.index.keys()

    check()
