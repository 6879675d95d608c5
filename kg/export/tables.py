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
from kg.graph import CoMentionArrays, PendingEdges, entity_nodes
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
    kept_co_mentions: KeptCoMentions | None = None,
) -> tuple[bytes, bytes, bytes]:
    """:func:`to_node_link` in three parts: before the mention edges, the mention edges
    (comma-separated), and after them. With `kept`, the mention edges of its first
    articles are its bytes (:class:`MentionBlock`); with `kept_co_mentions`, the co-mention
    edges that did not change are copied from the last build's (:class:`KeptCoMentions`)."""
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
    mentions, co_mentions = b"", []
    if pending is not None:
        mentions = orjson.dumps([
            {"source": node, "target": entity_id, "key": "mentions", "count": count,
             "first_offset": first_offset, "in_title": in_title, "in_lead": in_lead}
            for node, stats in pending.mentions[kept.articles if kept else 0 :]
            for entity_id, count, first_offset, in_title, in_lead in stats
        ])[1:-1]  # fmt: skip
        if kept and kept.data:
            mentions = kept.data + b"," + mentions if mentions else kept.data
        co_mentions = _co_mentions_json(pending, kept_co_mentions)
    before = head[:-2] + edges + (b"," if edges and mentions else b"")
    after = b"".join([b"," if (edges or mentions) and co_mentions else b"", *co_mentions, b"]}\n"])
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


def _co_mention_rows_json(rows: list) -> bytes:
    """Co-mention edges as node-link JSON objects, comma-separated."""
    return orjson.dumps([
        {"source": u, "target": v, "key": "co_mentioned", "articles": count,
         "first_date": first, "last_date": last}
        for u, v, count, first, last in rows
    ])[1:-1]  # fmt: skip


@dataclass(frozen=True)
class KeptCoMentions:
    """The co-mention edges of the last build's graph.json: their bytes (comma-separated
    JSON objects) and what they hold (:class:`~kg.graph.CoMentionArrays`).

    A rebuild that resumes the last build's reduce changes the co-mentions of the pairs its
    new articles name, a few percent of them; the others are copied byte for byte. Where
    each row lies in `data` is worked out from the arrays (every part of a row has a
    length known in advance), and checked against the length of `data`.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from(["x", "y", "z"])
    >>> def pending(*rows):  # rows of (source, target, articles, last date)
    ...     import numpy as np
    ...     names, dates = ["x", "y", "z"], ["2020-01-01", "2021-05-04"]
    ...     pairs = np.array([s << 21 | t for s, t, _, _ in rows])
    ...     arrays = CoMentionArrays(pairs, pairs >> 21, pairs & 2097151,
    ...         np.array([n for *_, n, _ in rows]), np.array([0] * len(rows)),
    ...         np.array([d for *_, d in rows]), names, dates)
    ...     edges = [(names[s], names[t], n, dates[0], dates[d]) for s, t, n, d in rows]
    ...     return PendingEdges([], edges, arrays)
    >>> last = pending((0, 1, 2, 0), (1, 2, 3, 0))
    >>> before, mentions, after = node_link_parts(G, last)
    >>> kept = KeptCoMentions(after[:-3], last.co_mention_arrays)
    >>> now = pending((0, 1, 2, 0), (0, 2, 2, 1), (1, 2, 4, 1))
    >>> b"".join(node_link_parts(G, now, None, kept)) == to_node_link(G, now)
    True
    """

    data: bytes
    arrays: CoMentionArrays


def _co_mentions_json(pending: PendingEdges, kept: KeptCoMentions | None) -> list[bytes]:
    """The co-mention edges as pieces of JSON that, joined, are the objects separated by
    commas: runs of rows copied from `kept`, and the rows that changed, serialised."""
    rows, arrays = pending.co_mentions, pending.co_mention_arrays
    if kept is None or arrays is None or not rows:
        return [_co_mention_rows_json(rows)] if rows else []
    import numpy as np

    lengths = _co_mention_json_lengths(kept.arrays)
    starts = np.cumsum(lengths + 1) - lengths - 1
    if len(lengths) == 0 or int(starts[-1] + lengths[-1]) != len(kept.data):
        return [_co_mention_rows_json(rows)]  # not the bytes these arrays describe
    source = _same_co_mention_rows(kept.arrays, arrays)
    copied = source >= 0
    begins = np.ones(len(rows), bool)  # a run: rows copied from consecutive rows, or not
    begins[1:] = (copied[1:] != copied[:-1]) | (copied[1:] & (source[1:] != source[:-1] + 1))
    begin = np.flatnonzero(begins)
    end = np.r_[begin[1:], len(rows)]
    first_kept, last_kept = source[begin], source[end - 1]  # of each run, when copied
    copy_from = np.where(copied[begin], starts[first_kept], -1).tolist()
    copy_to = (starts[last_kept] + lengths[last_kept]).tolist()
    changed = np.flatnonzero(~copied)
    serialised = _co_mention_rows_json([rows[i] for i in changed.tolist()])
    ends = np.cumsum(_co_mention_json_lengths(arrays)[changed] + 1).tolist()
    if ends and ends[-1] - 1 != len(serialised):
        return [_co_mention_rows_json(rows)]  # lengths not as worked out: write them all
    pieces, taken = [], 0  # rows of `serialised` used so far
    for run_begin, run_end, start, stop in zip(begin.tolist(), end.tolist(), copy_from, copy_to):
        if start >= 0:
            pieces.append(kept.data[start:stop])
        else:
            at = ends[taken - 1] if taken else 0
            taken += run_end - run_begin
            pieces.append(serialised[at : ends[taken - 1] - 1])
        pieces.append(b",")
    return pieces[:-1]


def _co_mention_json_lengths(arrays: CoMentionArrays) -> Any:
    """The length of each row's JSON object, from the lengths of its parts."""
    import numpy as np

    def json_lengths(strings: list[str]) -> Any:
        return np.fromiter(map(len, map(orjson.dumps, strings)), np.int64, len(strings))

    names, dates = json_lengths(arrays.names), json_lengths([*arrays.dates, ""])
    digits = 1 + np.searchsorted(10 ** np.arange(1, 19, dtype=np.int64), arrays.counts, "right")
    sample = _co_mention_rows_json([("", "", 0, "", "")])
    fixed = len(sample) - 4 * len(b'""') - 1  # its keys and punctuation
    return (
        fixed
        + names[arrays.source]
        + names[arrays.target]
        + digits
        + (dates[arrays.first] + dates[arrays.last])
    )


def _same_co_mention_rows(old: CoMentionArrays, new: CoMentionArrays) -> Any:
    """For each row of `new`, the row of `old` that holds the same edge with the same
    counts and dates, or -1."""
    import numpy as np

    unmatched = np.full(len(new.pairs), -1, np.int64)
    if new.names[: len(old.names)] != old.names or len(old.pairs) == 0:
        return unmatched
    at = np.searchsorted(old.pairs, new.pairs)
    found = at < len(old.pairs)
    found[found] = old.pairs[at[found]] == new.pairs[found]
    i, j = at[found], np.flatnonzero(found)
    place = {date: n for n, date in enumerate(new.dates)}
    new_place = np.array([*(place.get(date, -2) for date in old.dates), -1], np.int64)
    same = (
        (old.source[i] == new.source[j])
        & (old.target[i] == new.target[j])
        & (old.counts[i] == new.counts[j])
        & (new_place[old.first[i]] == new.first[j])  # (implied by the counts while articles
        & (new_place[old.last[i]] == new.last[j])  # are only added: checked all the same)
    )
    unmatched[j[same]] = i[same]
    return unmatched


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
