"""``configure graph``: the configuration as a Graphviz dot digraph, drawn as crm 4.4 draws it.

Cluster nodes sit on top (boxes), primitives and templates are boxes labelled ID and agent
type, groups are subgraphs whose members are chained, clone/ms members are coloured and
labelled clone:ID / ms:ID, location preferences are dashed edges from the node labelled
with the score, orders are edges labelled with their kind (a mandatory one is solid).
Colocations are not drawn (nor by crm). Pure: returns the text.
"""

from __future__ import annotations

import re

from lxml import etree

from clushell.cib.model import CibModel, is_element

STYLE: dict[str, dict[str, str]] = {
    ".": {"compound": "true"},
    "*": {"fontname": "Helvetica", "fontsize": "11"},
    "node": {"style": "bold", "shape": "box", "color": "#7ac142"},
    "primitive": {"fillcolor": "#e4e5e6", "color": "#b9b9b9", "shape": "box", "style": "rounded,filled"},
    "rsc_template": {"fillcolor": "#ffd457", "color": "#b9b9b9", "shape": "box", "style": "rounded,filled,dashed"},
    "class:stonith": {"shape": "box", "style": "dashed"},
    "location": {"style": "dashed", "dir": "none"},
    "clone": {"color": "#ec008c"},
    "ms": {"color": "#f8981d"},
    "group": {"color": "#00aeef", "group": "#00aeef", "labelloc": "b", "labeljust": "r", "labelfontsize": "12"},
    "optional_set": {"style": "dotted"},
    "template:edge": {"color": "#b9b9b9", "style": "dotted", "arrowtail": "open", "dir": "back"},
}
_CHILDREN = ("primitive", "group", "clone", "master", "bundle")
_KINDS = ("Mandatory", "Optional", "Serialize")


def _gv_id(name: str) -> str:
    return name.replace("-", "_").replace(".", "_")


def _quoted(name: str) -> str:
    return f'"{name}"' if re.match(r"[0-9_]", name) else name


def _attrs(d: dict[str, str]) -> str:
    return ",".join(f'{k}="{v}"' for k, v in d.items())


class _Graph:
    """One digraph or subgraph (crm_gv.GvDot)."""

    def __init__(self, ident: str = "", sub: bool = False):
        self.ident, self.sub = (_gv_id(ident) if ident else ""), sub
        self.nodes: dict[str, int] = {}
        self.edges: list[list[str]] = []
        self.edge_attrs: list[dict[str, str]] = []
        self.subgraphs: list[_Graph] = []
        self.attrs: dict[str, dict[str, str]] = {}
        self.graph_attrs: dict[str, str] = {}
        self.top_nodes: list[str] = []
        self.norank: list[str] = []

    def node(self, name: str, top: bool = False, norank: bool = False) -> None:
        ident = _gv_id(name)
        if top:
            self.top_nodes.append(ident)
        elif ident not in self.nodes:
            self.nodes[ident] = 0
        if norank:
            self.norank.append(ident)

    def attr(self, name: str, key: str, value: str) -> None:
        self.attrs.setdefault(_gv_id(name), {})[key] = value

    def styled(self, name: str, kind: str) -> None:
        for key, value in {**STYLE["*"], **STYLE.get(kind, {})}.items():
            self.attr(name, key, value)

    def graph_style(self, kind: str) -> None:
        self.graph_attrs.update(STYLE["*"])
        self.graph_attrs.update(STYLE.get(kind, {}))

    def edge(self, ends: list[str | None]) -> int:
        ids = [_gv_id(x) for x in ends if x is not None]
        for i, ident in enumerate(ids):
            if i and ident not in self.top_nodes:
                self.nodes[ident] = i
        self.edges.append(ids)
        self.edge_attrs.append({})
        return len(self.edges) - 1

    def subgraph(self, members: list[str], ident: str) -> _Graph:
        sg = _Graph(ident, sub=True)
        sg.edge(list(members))
        self.subgraphs.append(sg)
        return sg

    def lines(self) -> list[str]:
        out = [f"subgraph {self.ident} {{" if self.sub else f"digraph {self.ident or 'G'} {{\n"]
        out += [f'\t{k}="{v}";' for k, v in self.graph_attrs.items()]
        out += ["\t" + "\n\t".join(sg.lines()) for sg in self.subgraphs]
        for ends, attrs in zip(self.edges, self.edge_attrs, strict=True):
            out.append(f"\t{' -> '.join(_quoted(x) for x in ends)} [{_attrs(attrs)}];")
        out += [f"\t{_quoted(n)} [{_attrs(a)}];" for n, a in self.attrs.items()]
        for top in self.top_nodes:
            for name, rank in self.nodes.items():
                if rank == 0:
                    extra = ',constraint="false"' if name in self.norank else ""
                    out.append(f'\t{_quoted(top)} -> {_quoted(name)} [style="invis"{extra}];')
        out.append("}")
        return out


def _first_prim(el: etree._Element) -> str | None:
    if el.tag != "primitive":
        for child in el:
            if is_element(child) and child.tag in _CHILDREN:
                return _first_prim(child)
    return el.get("id")


def _last_prim(el: etree._Element) -> str | None:
    if el.tag != "primitive":
        for child in reversed(el):
            if is_element(child) and child.tag in _CHILDREN:
                return _last_prim(child)
    return el.get("id")


class _Drawer:
    def __init__(self, model: CibModel):
        self.model = model
        self.g = _Graph()
        self.g.graph_attrs.update(STYLE["*"])
        self.g.graph_attrs.update(STYLE["."])

    def ref(self, rid: str | None, first: bool = True) -> str | None:
        el = self.model.by_id(rid) if rid else None
        if el is None:
            return rid
        return _first_prim(el) if first else _last_prim(el)

    @staticmethod
    def rsc_label(el: etree._Element) -> str:
        parent = el.getparent()
        if parent is not None and parent.tag in ("clone", "master"):
            return f"{'ms' if parent.tag == 'master' else 'clone'}:{el.get('id')}"
        return el.get("id", "")

    def agent(self, g: _Graph, el: etree._Element, kind: str) -> None:
        src = self.model.by_id(el.get("template", "")) if el.get("template") else el
        cls = (src.get("class") if src is not None else None) or el.get("class") or ""
        typ = (src.get("type") if src is not None else None) or el.get("type") or ""
        rid = el.get("id", "")
        g.node(rid, norank=cls == "stonith")
        g.attr(rid, "label", f"{self.rsc_label(el)}\\n{typ if cls in ('ocf', 'stonith') else f'{cls}:{typ}'}")
        g.styled(rid, kind)
        for key, value in STYLE.get(f"class:{cls}", {}).items():
            g.attr(rid, key, value)
        parent = el.getparent()
        if kind == "primitive" and parent is not None and parent.tag in ("clone", "master"):
            for key, value in STYLE["ms" if parent.tag == "master" else "clone"].items():
                g.attr(rid, key, value)
        if kind == "primitive" and el.get("template"):
            e = self.g.edge([el.get("template"), rid])
            self.g.edge_attrs[e].update(STYLE["template:edge"])

    def group(self, el: etree._Element) -> None:
        members = [c for c in el if is_element(c) and c.tag == "primitive"]
        if not members:
            return
        sg = self.g.subgraph([m.get("id", "") for m in members], f"cluster_{el.get('id')}")
        self.g.node(members[0].get("id", ""))
        sg.graph_attrs["label"] = self.rsc_label(el)
        sg.graph_style("group")
        parent = el.getparent()
        if parent is not None and parent.tag in ("clone", "master"):
            sg.graph_attrs.update(STYLE["ms" if parent.tag == "master" else "clone"])
        for m in members:
            self.agent(sg, m, "primitive")

    def score_label(self, e: int, node: etree._Element) -> None:
        score = node.get("score") or node.get("score-attribute") or node.get("kind") or ""
        score = score.replace("INFINITY", "inf")
        if score in ("inf", "+inf", "Mandatory"):
            self.g.edge_attrs[e]["style"] = "solid"
            return
        if re.fullmatch(r"-?([0-9]+|inf)", score) or score in _KINDS:
            label = score
        elif not score:
            label = "Adv"
        else:
            label = f"attr:{score}"
        self.g.edge_attrs[e]["label"] = label

    def location(self, el: etree._Element) -> None:
        node, scored = el.get("node"), el
        rules = el.findall("rule")
        exprs = el.findall(".//expression")
        if node is None and len(rules) == 1 and len(exprs) == 1 and exprs[0].get("attribute") == "#uname" \
                and exprs[0].get("operation") == "eq":
            node, scored = exprs[0].get("value"), rules[0]
        rsc = self.ref(el.get("rsc"))
        if node is None or rsc is None:
            return
        e = self.g.edge([node, rsc])
        self.g.edge_attrs[e].update(STYLE["location"])
        self.score_label(e, scored)

    def order(self, el: etree._Element) -> None:
        sets = el.findall("resource_set")
        if not sets:
            self.order_edge(el, [el.get("first", ""), el.get("then", "")])
            return
        chain: list = []
        for s in sets:
            refs = [r.get("id", "") for r in s.findall("resource_ref")]
            if s.get("require-all", "true").lower() in ("false", "no", "0", "off") and len(refs) > 1:
                chain.append(f"[cluster{s.get('id')}]{refs[0]}")
            elif s.get("sequential", "true").lower() in ("false", "no", "0", "off") and len(refs) > 1:
                chain.append(refs)
            else:
                chain += refs
        for a, b in zip(chain, chain[1:], strict=False):
            for x in a if isinstance(a, list) else [a]:
                for y in b if isinstance(b, list) else [b]:
                    self.order_edge(el, [x, y])
        for s in sets:
            refs = [r.get("id", "") for r in s.findall("resource_ref")]
            if s.get("require-all", "true").lower() in ("false", "no", "0", "off"):
                sg = self.g.subgraph(refs, f"cluster{s.get('id')}")
                sg.edge_attrs[0].update({"style": "invis", "constraint": "false"})
                sg.graph_style("optional_set")

    def order_edge(self, el: etree._Element, ends: list[str]) -> None:
        m = re.match(r"\[(.*)\]", ends[0])
        ends = [re.sub(r"\[(.*)\]", "", x) for x in ends]
        e = self.g.edge([self.ref(ends[0], first=False), self.ref(ends[1])])
        self.score_label(e, el)
        if m:
            self.g.edge_attrs[e].update(STYLE["optional_set"])
            self.g.edge_attrs[e]["ltail"] = _gv_id(m.group(1))


def dot(model: CibModel) -> str:
    """The configuration as a dot digraph (crm 4.4's drawing, objects in crm's processing order)."""
    d = _Drawer(model)
    conf = model.configuration
    for node in conf.iterfind("nodes/node"):
        name = node.get("uname") or node.get("id", "")
        d.g.node(name, top=True)
        d.g.attr(name, "label", name)
        d.g.styled(name, "node")
    res = conf.find("resources")
    every = list(res.iter(*_CHILDREN, "template")) if res is not None else []
    for el in sorted((e for e in every if e.tag == "template"), key=lambda e: e.get("id", "")):
        d.agent(d.g, el, "rsc_template")
    for el in sorted((e for e in every if e.tag == "primitive"), key=lambda e: e.get("id", "")):
        parent = el.getparent()
        if parent is None or parent.tag != "group":
            d.agent(d.g, el, "primitive")
    for el in sorted((e for e in every if e.tag == "group"), key=lambda e: e.get("id", "")):
        d.group(el)
    cons = conf.find("constraints")
    for el in sorted((c for c in cons if is_element(c)) if cons is not None else [], key=lambda e: e.get("id", "")):
        if el.tag == "rsc_location":
            d.location(el)
        elif el.tag == "rsc_order":
            d.order(el)
    return "\n".join(d.g.lines()) + "\n"
