"""The interactive graph page: pyvis nodes and edges in a self-contained HTML file.

The page works from disk with no network: vis-network's script and stylesheet (shipped
inside pyvis) are inlined, and no CDN is referenced (pyvis's own template pulls Bootstrap
from one, so kg renders pyvis's network data with its own template). Positions are
computed in Python, physics is off, so even an archive-sized graph opens at once; the page
draws a budget of nodes chosen by :func:`select_view`. All article text reaches the page
as JSON (``<`` escaped) and is shown with ``textContent``/``innerText``, never as HTML.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("tw", kind="entity", type="place", label="台灣", name="台灣", name_hans="台湾",
...            name_en="Taiwan", aliases="", mentions=3, articles=1)
>>> "<script>" in to_html(G)
True
"""

from __future__ import annotations

import math
from pathlib import Path

import jinja2
import networkx as nx

from kg.export import write_atomic
from kg.graph import PendingEdges, entity_nodes

VIEWS = ("auto", "entities", "articles", "all")
DEFAULT_MAX_NODES = 250
STRONGEST_LINKS = 3
"""In the entities view, each node keeps its few strongest co-mention links: a readable
backbone instead of a hairball."""
STYLE = {
    "person": ("#e4572e", "dot", "Person"),
    "institution": ("#2e86ab", "square", "Institution"),
    "place": ("#59a14f", "triangle", "Place"),
    "article": ("#9c9c9c", "diamond", "Article"),
}


def find_node(graph: nx.MultiDiGraph, query: str) -> str | None:
    """The entity node whose id, name (either script), English name or alias is `query`."""
    from kg.text import normalise

    if query in graph:
        return query
    key = normalise(query.strip())
    for node in entity_nodes(graph):
        d = graph.nodes[node]
        names = [d.get("name", ""), d.get("name_en", ""), *d.get("aliases", "").split(" | ")]
        if any(normalise(n) == key for n in names if n):
            return node
    return None


def select_view(
    graph: nx.MultiDiGraph,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "auto",
    focus: str | None = None,
    pending: PendingEdges | None = None,
) -> nx.MultiDiGraph:
    """The subgraph the page draws, within `max_nodes`.

    ``auto`` draws everything when it fits, else ``entities``: the most-mentioned entities
    and their strongest co-mention links. ``articles`` draws the most-linked articles with
    their publishers; ``all`` mixes entities and the articles that mention them most.
    `focus` (an entity id or name) draws that entity's neighbourhood instead.
    `pending` are a build's edges that `graph` does not hold (:class:`~kg.graph.PendingEdges`):
    the entities view takes the co-mentions it draws from them, the other views a copy of
    the graph with all of them.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}")
    if view == "auto":
        view = "all" if graph.number_of_nodes() <= max_nodes else "entities"
    if pending is not None and (focus or view != "entities"):
        graph = graph.copy()
        pending.add_to(graph)
        pending = None
    if focus:
        from kg.errors import KgError

        center = find_node(graph, focus)
        if center is None:
            raise KgError(f"--focus {focus!r}: no entity of that id or name in the graph")
        neighbours = sorted(
            set(graph.predecessors(center)) | set(graph.successors(center)),
            key=lambda n: (-graph.nodes[n].get("mentions", 0), graph.nodes[n].get("date", ""), n),
        )
        keep = [center, *neighbours[: max_nodes - 1]]
        return graph.subgraph(keep).copy()
    if view == "all" and graph.number_of_nodes() <= max_nodes:
        return _without_co_mentions(graph.copy())
    entities = entity_nodes(graph)
    if view == "entities":
        sub = graph.subgraph(entities[:max_nodes]).copy()
        if pending is not None:
            drawn = set(sub)  # a set, not the graph: an archive has 100,000s of co-mentions
            PendingEdges(
                co_mentions=[e for e in pending.co_mentions if e[0] in drawn and e[1] in drawn]
            ).add_to(sub)
        sub.remove_edges_from(_weak_links(sub, STRONGEST_LINKS))
        return sub
    articles = sorted(
        (n for n, d in graph.nodes(data=True) if d.get("kind") == "article"),
        key=lambda n: (-graph.degree(n), n),
    )
    if view == "articles":
        keep = articles[: max_nodes * 3 // 4]
        publishers = {graph.nodes[a].get("publisher") for a in keep} - {"", None}
        return graph.subgraph([*keep, *sorted(publishers)][:max_nodes]).copy()
    keep = entities[: max_nodes // 2]
    keep += articles[: max_nodes - len(keep)]
    return _without_co_mentions(graph.subgraph(keep).copy())


def _weak_links(graph: nx.MultiDiGraph, per_node: int) -> list[tuple[str, str, str]]:
    """Edges that are not among the `per_node` strongest of either end (the backbone stays)."""
    ranked: dict[str, list] = {}
    for u, v, key, d in graph.edges(keys=True, data=True):
        weight = d.get("articles", d.get("count", 1))
        for node in (u, v):
            ranked.setdefault(node, []).append((-weight, u, v, key))
    strong: set[tuple[str, str, str]] = set()
    for edges in ranked.values():
        strong.update((u, v, k) for _, u, v, k in sorted(edges)[:per_node])
    return [e for e in graph.edges(keys=True) if e not in strong]


def _without_co_mentions(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Where articles are drawn, their mention edges already show who appears together."""
    graph.remove_edges_from([e for e in graph.edges(keys=True) if e[2] == "co_mentioned"])
    return graph


def _short_label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tooltip(node: str, d: dict, graph: nx.MultiDiGraph) -> str:
    if d.get("kind") == "article":
        publisher = graph.nodes[d["publisher"]]["name"] if d.get("publisher") in graph else ""
        lines = [d.get("title") or d.get("url") or node, f"article · {d.get('date') or 'no date'}"]
        if publisher:
            lines.append(f"publisher: {publisher}")
        if d.get("stub"):
            lines.append("linked, not in the input")
        if d.get("url"):
            lines.append(d["url"])
        return "\n".join(lines)
    lines = [
        f"{d['name']} ({d['name_en']})",
        f"{d['type']} · {d.get('mentions', 0)} mentions in {d.get('articles', 0)} articles",
    ]
    if d.get("aliases"):
        lines.append(f"aliases: {d['aliases']}")
    if d.get("description"):
        lines.append(d["description"])
    return "\n".join(lines)


def _layout(sub: nx.MultiDiGraph) -> dict:
    if sub.number_of_nodes() == 0:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(sorted(sub.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in sub.edges() if u != v))
    return nx.spring_layout(
        simple, k=3 / len(simple) ** 0.5, seed=7, iterations=80, scale=90 * len(simple) ** 0.5 + 200
    )


def page_data(sub: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """pyvis nodes and edges of the page, with positions, styles and plain-text tooltips."""
    from pyvis.network import Network

    positions = _layout(sub)
    net = Network(directed=True)
    biggest = max((d.get("mentions", 0) for _, d in sub.nodes(data=True)), default=1) or 1
    for node in sorted(sub.nodes):
        d = sub.nodes[node]
        kind = d.get("type", "article") if d.get("kind") == "entity" else "article"
        color, shape, _ = STYLE[kind]
        x, y = positions[node]
        weight = (
            math.log1p(d.get("mentions", 0)) / math.log1p(biggest) if kind != "article" else 0.15
        )
        search = " ".join(
            str(d.get(k, "")) for k in ("label", "name", "name_hans", "name_en", "aliases", "title")
        )
        net.add_node(
            node,
            label=_short_label(d.get("label") or node, 16 if kind == "article" else 40),
            color=color if not d.get("stub") else "#d0d0d0",
            shape=shape,
            size=8 + 28 * weight,
            x=round(float(x), 1),
            y=round(float(y), 1),
            kgtype=kind,
            tooltip=_tooltip(node, d, sub),
            search=search.lower(),
            url=d.get("url", ""),
        )
    for u, v, key, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[:3]):
        width = 0.5 + min(d.get("articles", d.get("count", 1)), 50) / 20
        net.add_edge(u, v, title=None, width=width, tooltip=key.replace("_", " "),
                     arrows="to" if key != "co_mentioned" else "", dashes=key == "related")  # fmt: skip
    nodes, edges, *_ = net.get_network_data()
    for edge in edges:
        edge.pop("title", None)
    return nodes, edges


def to_html(
    graph: nx.MultiDiGraph,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "auto",
    focus: str | None = None,
    heading: str = "kg knowledge graph",
    pending: PendingEdges | None = None,
) -> str:
    """The whole page as one string (`pending` as for :func:`select_view`)."""
    import pyvis

    sub = select_view(graph, max_nodes, view, focus, pending)
    nodes, edges = page_data(sub)
    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    counts = {k: 0 for k in STYLE}
    for node in nodes:
        counts[node["kgtype"]] += 1
    types = [
        {"type": k, "color": c, "label": label, "count": counts[k]}
        for k, (c, _, label) in STYLE.items()
    ]
    entities = len(entity_nodes(graph))
    articles = graph.number_of_nodes() - entities
    summary = f"showing {len(nodes)} of {graph.number_of_nodes()} nodes ({entities} entities, {articles} articles)"
    options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
        "edges": {
            "smooth": False,
            "color": {"color": "#b0b0b0", "highlight": "#444444", "opacity": 0.6},
        },
        "nodes": {"font": {"size": 14}},
    }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("graph.html.j2").render(
        heading=heading,
        vis_js=jinja2.utils.markupsafe.Markup(
            (lib / "vis-network.min.js").read_text(encoding="utf-8")
        ),
        vis_css=jinja2.utils.markupsafe.Markup(
            (lib / "vis-network.css").read_text(encoding="utf-8")
        ),
        nodes=nodes,
        edges=edges,
        options=options,
        types=types,
        summary=summary,
    )


def write_html(graph: nx.MultiDiGraph, path: str | Path, **options) -> Path:
    """Write the page atomically (options as for :func:`to_html`)."""
    return write_atomic(path, to_html(graph, **options))
