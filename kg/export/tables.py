"""Tables and graph files: mentions and articles as JSON lines, CSV, GraphML, GEXF, node-link.

Examples
--------
>>> from kg.records import Article, ArticleRecord
>>> record_lines(ArticleRecord(Article(id="a", path="a.md", title="", text="")), gazetteer={})[0]
b''
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import orjson

from kg.export import write_atomic
from kg.graph import PendingEdges, entity_nodes
from kg.records import ArticleRecord

_LINE = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def mention_rows(record: ArticleRecord, gazetteer) -> Iterator[dict]:
    """One plain row per mention, with the entity's name and type (the mentions.jsonl schema)."""
    for m in record.mentions:
        entity = gazetteer[m.entity_id]
        yield {
            "path": record.article.path,
            "article_id": m.article_id,
            "entity_id": m.entity_id,
            "entity_name": entity.name,
            "entity_type": entity.type,
            "surface": m.surface,
            "start": m.start,
            "end": m.end,
            "part": m.part,
        }


def article_row(record: ArticleRecord) -> dict:
    """The articles.jsonl row: metadata, plain text and its sections."""
    a = record.article
    return {
        "id": a.id,
        "path": a.path,
        "title": a.title,
        "date": a.date,
        "url": a.url,
        "author": a.author,
        "tags": list(a.tags),
        "publisher": record.publisher_id,
        "links": [{"url": link.url, "title": link.title} for link in a.links],
        "sections": [[s.start, s.end, s.part] for s in a.sections],
        "text": a.text,
    }


def record_lines(record: ArticleRecord, gazetteer) -> tuple[bytes, bytes]:
    """One article's mentions.jsonl lines (one JSON object per mention, in text order) and
    its articles.jsonl line (so that ``text[start:end] == surface`` can be checked): compact
    JSON with sorted keys, as UTF-8 bytes, which a worker ships and the cache keeps as
    they are."""
    mentions = b"".join(orjson.dumps(row, option=_LINE) for row in mention_rows(record, gazetteer))
    return mentions, orjson.dumps(article_row(record), option=_LINE)


ENTITY_COLUMNS = (
    "id",
    "type",
    "name",
    "name_en",
    "region",
    "mentions",
    "articles",
    "qid",
    "lat",
    "lon",
)
EDGE_COLUMNS = ("source", "target", "relation", "count", "articles", "first_date", "last_date")


def generate_entities_csv(graph: nx.MultiDiGraph) -> Iterator[str]:
    """CSV rows of the entity nodes, most mentioned first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENTITY_COLUMNS)
    for node in entity_nodes(graph):
        d = graph.nodes[node]
        writer.writerow([node, d["type"], d["name"], d["name_en"], d["region"], d["mentions"],
                         d["articles"], d["qid"], d.get("lat", ""), d.get("lon", "")])  # fmt: skip
    yield buffer.getvalue()


class _CsvFields(dict):
    """Each value as a CSV field, quoted by the csv module on first sight and remembered:
    an archive's half a million edges hold a few tens of thousands of distinct values."""

    def __init__(self) -> None:
        super().__init__()
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def __missing__(self, value: Any) -> str:
        self._writer.writerow((value, ""))  # a second, empty field: "" alone is quoted
        field = self[value] = self._buffer.getvalue()[:-2]
        self._buffer.seek(0)
        self._buffer.truncate()
        return field


def generate_edges_csv(
    graph: nx.MultiDiGraph, pending: PendingEdges | None = None
) -> Iterator[str]:
    """CSV rows of every edge, in the graph's order (the same for the same input): what
    :class:`csv.writer` writes, with each distinct value quoted once. The `pending` edges
    of a build, which `graph` does not hold, come last (see :class:`~kg.graph.PendingEdges`).

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b, c", key="co_mentioned", articles=2)
    >>> "".join(generate_edges_csv(G)).splitlines()[1]
    'a,"b, c",co_mentioned,,2,,'
    """
    yield b"".join(edges_csv_parts(graph, pending)).decode("utf-8")


def edges_csv_parts(
    graph: nx.MultiDiGraph,
    pending: PendingEdges | None = None,
    kept: MentionBlock | None = None,
) -> tuple[bytes, bytes, bytes]:
    """edges.csv (:func:`generate_edges_csv`) as UTF-8 in three parts: the rows before the
    mention edges, the mention edges, and the rows after them. With `kept`, the mention
    edges of its first articles are its bytes (:class:`MentionBlock`)."""
    field = _CsvFields()
    rows = [",".join(EDGE_COLUMNS) + "\n"]
    for u, neighbours in graph.adjacency():
        source = field[u]
        for v, edges in neighbours.items():
            target = field[v]
            for key, d in edges.items():
                rows.append(
                    f"{source},{target},{field[key]},{field[d.get('count', '')]},"
                    f"{field[d.get('articles', '')]},{field[d.get('first_date', '')]},"
                    f"{field[d.get('last_date', '')]}\n"
                )
    if pending is None:
        return "".join(rows).encode(), b"", b""
    key = field["mentions"]
    mentions: list[str] = []
    for node, stats in pending.mentions[kept.articles if kept else 0 :]:
        source = field[node]
        mentions.extend(
            f"{source},{field[entity_id]},{key},{field[count]},,,\n"
            for entity_id, count, *_ in stats
        )
    key = field["co_mentioned"]
    after = "".join(
        f"{field[u]},{field[v]},{key},,{field[count]},{field[first]},{field[last]}\n"
        for u, v, count, first, last in pending.co_mentions
    )
    kept_bytes = kept.data if kept else b""
    return "".join(rows).encode(), kept_bytes + "".join(mentions).encode(), after.encode()


def sorted_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with nodes and edges in sorted order, so that files written from it are stable."""
    ordered = nx.MultiDiGraph()
    ordered.add_nodes_from(sorted(graph.nodes(data=True)))
    ordered.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]))
    return ordered


_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _graphml_keys(items: Iterable[dict], domain: str) -> dict[str, tuple[str, str]]:
    found: dict[str, type] = {}
    for data in items:
        for name, value in data.items():
            found.setdefault(name, type(value))
    return {
        name: (f"{domain[0]}{i}", _GRAPHML_TYPES.get(kind, "string"))
        for i, (name, kind) in enumerate(sorted(found.items()))
    }


_GRAPHML_TEXT: dict[type, Callable[[Any], str]] = {
    bool: lambda b: "true" if b else "false",
    int: str,
    float: str,
    str: escape,
}


def generate_graphml(graph: nx.MultiDiGraph) -> Iterator[str]:
    """GraphML lines, nodes and edges in the graph's order, written directly (networkx's
    writer builds the whole XML tree in memory first and is ten times slower at archive size).

    >>> G = nx.MultiDiGraph(); G.add_node("a", n=1); _ = G.add_edge("a", "b", key="k")
    >>> nx.read_graphml(io.StringIO("".join(generate_graphml(G))), force_multigraph=True).nodes["a"]
    {'n': 1}
    """
    node_keys = _graphml_keys((d for _, d in graph.nodes(data=True)), "node")
    edge_keys = _graphml_keys((d for *_, d in graph.edges(keys=True, data=True)), "edge")
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key_id, kind) in keys.items():
            yield f'  <key id="{key_id}" for="{domain}" attr.name={quoteattr(name)} attr.type="{kind}" />\n'
    yield '  <graph edgedefault="directed">\n'
    ids = {node: quoteattr(str(node)) for node in graph.nodes}
    node_tags = {name: f'<data key="{key_id}">' for name, (key_id, _) in node_keys.items()}
    for node, data in graph.nodes(data=True):
        values = "".join(
            f"{node_tags[k]}{_GRAPHML_TEXT[type(v)](v)}</data>" for k, v in data.items()
        )
        yield f"    <node id={ids[node]}>{values}</node>\n"
    edge_tags = {name: f'<data key="{key_id}">' for name, (key_id, _) in edge_keys.items()}
    relation_ids: dict[str, str] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if key not in relation_ids:
            relation_ids[key] = quoteattr(str(key))
        values = "".join(
            f"{edge_tags[k]}{_GRAPHML_TEXT[type(v)](v)}</data>" for k, v in data.items()
        )
        yield f"    <edge source={ids[u]} target={ids[v]} id={relation_ids[key]}>{values}</edge>\n"
    yield "  </graph>\n</graphml>\n"


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """GraphML for yEd, Gephi and networkx (:func:`networkx.read_graphml` reads it back)."""
    return write_atomic(path, generate_graphml(graph))


def write_gexf(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """GEXF for Gephi."""
    return write_atomic(path, "\n".join(nx.generate_gexf(sorted_graph(graph))) + "\n")


def to_node_link(graph: nx.MultiDiGraph, pending: PendingEdges | None = None) -> bytes:
    """networkx node-link JSON of a multigraph, in the graph's order: what
    ``networkx.node_link_graph(data, edges="edges")`` and :func:`read_node_link` read.
    `pending` as for :func:`generate_edges_csv`: read back, the graph holds those edges as
    :meth:`PendingEdges.add_to <kg.graph.PendingEdges.add_to>` adds them.

    >>> G = nx.MultiDiGraph(); _ = G.add_edge("a", "b", key="k", n=1)
    >>> read_node_link_bytes(to_node_link(G)).edges["a", "b", "k"]
    {'n': 1}
    """
    return b"".join(node_link_parts(graph, pending))


def node_link_parts(
    graph: nx.MultiDiGraph,
    pending: PendingEdges | None = None,
    kept: MentionBlock | None = None,
) -> tuple[bytes, bytes, bytes]:
    """:func:`to_node_link` in three parts: before the mention edges, the mention edges
    (comma-separated), and after them. With `kept`, the mention edges of its first
    articles are its bytes (:class:`MentionBlock`)."""
    head = orjson.dumps({
        "directed": graph.is_directed(),
        "multigraph": True,
        "graph": dict(graph.graph),
        "nodes": [{"id": node, **d} for node, d in graph.nodes(data=True)],
        "edges": [],
    })  # fmt: skip
    edges = orjson.dumps([  # the adjacency, not graph.edges(): the same order, a third faster
        {"source": u, "target": v, "key": key, **d}
        for u, neighbours in graph.adjacency()
        for v, edges in neighbours.items()
        for key, d in edges.items()
    ])[1:-1]  # fmt: skip
    mentions = co_mentions = b""
    if pending is not None:
        mentions = orjson.dumps([
            {"source": node, "target": entity_id, "key": "mentions", "count": count,
             "first_offset": first_offset, "in_title": in_title, "in_lead": in_lead}
            for node, stats in pending.mentions[kept.articles if kept else 0 :]
            for entity_id, count, first_offset, in_title, in_lead in stats
        ])[1:-1]  # fmt: skip
        if kept and kept.data:
            mentions = kept.data + b"," + mentions if mentions else kept.data
        co_mentions = orjson.dumps([
            {"source": u, "target": v, "key": "co_mentioned", "articles": count,
             "first_date": first, "last_date": last}
            for u, v, count, first, last in pending.co_mentions
        ])[1:-1]  # fmt: skip
    before = head[:-2] + edges + (b"," if edges and mentions else b"")
    after = (b"," if (edges or mentions) and co_mentions else b"") + co_mentions + b"]}\n"
    return before, mentions, after


@dataclass(frozen=True)
class MentionBlock:
    """The mention edges that a graph.json or edges.csv holds for the first `articles`
    entries of :attr:`PendingEdges.mentions <kg.graph.PendingEdges.mentions>`, as `data`.

    Mention edges come in fold order, after the graph's own edges: a rebuild that resumes
    the last build's reduce keeps those entries as they were, so it copies their block from
    the last build's file (:meth:`read`) instead of serialising it again.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from(["a", "b", "x"])
    >>> pending = PendingEdges([("a", (("x", 1, 0, False, False),))])
    >>> before, mentions, after = node_link_parts(G, pending)
    >>> pending.mentions.append(("b", (("x", 2, 5, True, False),)))
    >>> kept = MentionBlock(mentions, articles=1)
    >>> b"".join(node_link_parts(G, pending, kept)) == to_node_link(G, pending)
    True
    """

    data: bytes
    articles: int

    @classmethod
    def read(cls, path: str | Path, start: int, end: int, articles: int) -> MentionBlock:
        """The block at bytes `start` to `end` of the file at `path`."""
        with open(path, "rb") as file:
            file.seek(start)
            return cls(file.read(end - start), articles)


def write_node_link(
    graph: nx.MultiDiGraph, path: str | Path, pending: PendingEdges | None = None
) -> Path:
    """Node-link JSON (see :func:`to_node_link`): the build's graph.json, which loads several
    times faster than GraphML."""
    return write_atomic(path, to_node_link(graph, pending))


def read_node_link_bytes(data: bytes) -> nx.MultiDiGraph:
    """The multigraph of node-link JSON bytes (see :func:`to_node_link`)."""
    parsed = orjson.loads(data)
    graph = nx.MultiDiGraph(**parsed.get("graph", {}))
    graph.add_nodes_from((node.pop("id"), node) for node in parsed["nodes"])
    add_edge = graph.add_edge  # add_edges_from is slower for keyed edges with data
    for edge in parsed["edges"]:
        add_edge(edge.pop("source"), edge.pop("target"), edge.pop("key"), **edge)
    return graph


def read_node_link(path: str | Path) -> nx.MultiDiGraph:
    """The multigraph of a node-link JSON file (see :func:`to_node_link`)."""
    return read_node_link_bytes(Path(path).read_bytes())
