"""Tables: the JSON lines a worker ships as bytes are the documented rows."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.export.rdf import sorted_ntriples
from kg.export.tables import (
    EDGE_COLUMNS,
    KeptCoMentions,
    MentionBlock,
    article_row,
    edges_csv_parts,
    generate_edges_csv,
    mention_rows,
    node_link_parts,
    read_node_link_bytes,
    record_lines,
    to_node_link,
)
from kg.gazetteer import Entity, Gazetteer
from kg.graph import GraphBuilder, PendingEdges
from kg.pipeline import process_file
from kg.records import Article, ArticleRecord, Link

from .conftest import GROWING_ARCHIVES, SEEDS, resumed_builder


def _json_lines(rows) -> bytes:
    """The documented line format, written by the standard library: compact, sorted keys."""
    return "".join(
        json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for row in rows
    ).encode()


def test_record_lines_are_the_documented_rows_as_utf8(test_gazetteer, matcher):
    path = sorted(SEEDS.iterdir())[0]
    record = process_file(path, SEEDS, matcher, test_gazetteer.publisher_index())
    mentions, article = record_lines(record, test_gazetteer)
    assert mentions == _json_lines(mention_rows(record, test_gazetteer))
    assert article == _json_lines([article_row(record)])
    rows = [json.loads(line) for line in mentions.decode().splitlines()]
    assert len(rows) == len(record.mentions) > 0
    assert all(record.article.text[r["start"] : r["end"]] == r["surface"] for r in rows)


_VALUES = st.one_of(st.text(max_size=6), st.integers(-5, 5), st.sampled_from(["", ",", '"', "\n"]))


@given(
    st.lists(
        st.tuples(
            st.text(max_size=6),
            st.text(max_size=6),
            st.sampled_from(["mentions", "co_mentioned", "related", "a,b"]),
            st.dictionaries(
                st.sampled_from(["count", "articles", "first_date", "last_date", "title"]),
                _VALUES,
            ),
        ),
        max_size=12,
    )
)
def test_edges_csv_is_what_the_csv_module_writes(edges):
    graph = nx.MultiDiGraph()
    for u, v, key, data in edges:
        graph.add_edge(u, v, key, **data)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(EDGE_COLUMNS)
    for u, v, key, d in graph.edges(keys=True, data=True):
        writer.writerow([u, v, key, *(d.get(c, "") for c in EDGE_COLUMNS[3:])])
    assert "".join(generate_edges_csv(graph)) == expected.getvalue()


@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd"), st.sampled_from("xyz"),
                  st.dictionaries(st.sampled_from(["n", "m"]), st.integers(-9, 9))),
        max_size=12,
    )
)  # fmt: skip
def test_node_link_is_what_networkx_writes(edges):
    graph = nx.MultiDiGraph()
    for u, v, key, data in edges:
        graph.add_edge(u, v, key, **data)
    assert orjson.loads(to_node_link(graph)) == nx.node_link_data(graph, edges="edges")


_PLACES = [f"p{i}" for i in range(6)]


def _ordered(graph: nx.MultiDiGraph) -> list:
    return [
        (u, [(v, list(keys.items())) for v, keys in nbrs.items()]) for u, nbrs in graph.adjacency()
    ]


@given(
    articles=st.lists(
        st.tuples(
            st.sampled_from(["", "2020-01-02", "2021-05-06"]),
            st.lists(st.sampled_from(_PLACES), max_size=6, unique=True),
            st.sampled_from(["", "p4", "p5"]),
            st.lists(st.integers(0, 9), max_size=2),
        ),
        max_size=10,
    ),
)
def test_pending_edges_are_written_as_the_graph_would_hold_them(articles):
    """A build writes its mention and co-mention edges from the builder's lists, never
    adding them to networkx: graph.json reads back to the graph that holds them, edge order
    included (publishers that are also mentioned, related links, a containment edge and a
    co-mention between the same two places), edges.csv has the same rows and the RDF the
    same triples."""
    within = {"p0": "p4", "p1": "p0", "p2": "p0", "p3": "p5"}  # p0-p4: both kinds of edge
    gazetteer = Gazetteer(
        [Entity(id=p, type="place", name=f"地{p}", en=p, within=within.get(p, "")) for p in _PLACES]
    )
    built = []
    for complete in (True, False):
        builder = GraphBuilder(gazetteer, min_co_mentions=1)
        for number, (date, places, publisher, links) in enumerate(articles):
            article = Article(
                id=f"a{number}", path=f"a{number}.md", title="", text="", date=date,
                url=f"https://x.org/a{number}",
                links=tuple(Link(f"https://x.org/a{to}", "") for to in links),
            )  # fmt: skip
            stats = tuple((p, 1 + len(p), 0, False, True) for p in places)
            builder.add(ArticleRecord(article, publisher_id=publisher), stats)
        graph = builder.finish(complete=complete)
        builder.count_co_mentions()
        built.append((graph, builder.pending))
    (full, _), (partial, pending) = built
    first_seen: list[str] = []  # nodes in order of first appearance, as networkx made them
    for number, (_, places, publisher, _) in enumerate(articles):
        for node in (f"article:a{number}", publisher, *places):
            if node and node not in first_seen:
                first_seen.append(node)
    assert [n for n, d in partial.nodes(data=True) if not d.get("stub")] == first_seen
    back = read_node_link_bytes(to_node_link(partial, pending))
    assert _ordered(back) == _ordered(full)
    assert dict(back.nodes(data=True)) == dict(full.nodes(data=True))
    assert sorted("".join(generate_edges_csv(partial, pending)).splitlines()) == sorted(
        "".join(generate_edges_csv(full)).splitlines()
    )
    assert sorted_ntriples(partial, pending=pending) == sorted_ntriples(full)
    pending.add_to(partial)
    assert _ordered(partial) == _ordered(full)


_STATS = st.lists(
    st.tuples(
        st.sampled_from(["x", "y, z"]),
        st.integers(1, 3),
        st.integers(0, 9),
        st.booleans(),
        st.booleans(),
    ),
    max_size=2,
).map(tuple)
_CO_MENTIONS = st.tuples(
    st.just("x"), st.just("y, z"), st.integers(1, 5), st.just(""), st.sampled_from(["", "2020"])
)


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), _STATS), max_size=4),
    st.lists(_CO_MENTIONS, max_size=2),
    st.booleans(),
)
def test_tables_with_the_mention_block_of_their_first_articles_copied_are_the_same(
    mentions, co_mentions, with_edges
):
    """What a resumed rebuild writes: the last build's block of its first articles' mention
    edges, then the new articles' (the parts are joined around it with or without commas)."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["a", "b", "c", "x", "y, z"])
    if with_edges:
        graph.add_edge("a", "x", key="published_by")
    pending = PendingEdges(mentions, co_mentions)
    for parts_of in (node_link_parts, edges_csv_parts):
        whole = b"".join(parts_of(graph, pending))
        for articles in range(len(mentions) + 1):
            last_build = PendingEdges(mentions[:articles], [])
            kept = MentionBlock(parts_of(graph, last_build)[1], articles)
            assert b"".join(parts_of(graph, pending, kept)) == whole
    edges = orjson.loads(b"".join(node_link_parts(graph, pending)))["edges"]
    assert len(edges) == with_edges + sum(len(stats) for _, stats in mentions) + len(co_mentions)


def _copied_co_mentions(last_graph, last_pending) -> KeptCoMentions | None:
    """What a rebuild finds of the last build's graph.json co-mentions (pipeline)."""
    if last_pending.co_mention_arrays is None:
        return None
    _, _, after = node_link_parts(last_graph, last_pending)
    comma = after.startswith(b",")
    return KeptCoMentions(after[comma : -len(b"]}\n")], last_pending.co_mention_arrays)


@given(GROWING_ARCHIVES)
def test_graph_json_with_its_unchanged_co_mentions_copied_is_the_same(archive):
    """A resumed rebuild copies the co-mention edges whose pair, counts and dates did not
    change from the last build's graph.json; whatever the new articles change, the file is
    the one written afresh (and it is when the copy is not what the arrays describe)."""
    articles, cut = archive
    last_graph, last_pending, resumed, _ = resumed_builder(articles, cut)
    kept = _copied_co_mentions(last_graph, last_pending)
    graph = resumed.finish(complete=False)
    resumed.count_co_mentions()
    whole = b"".join(node_link_parts(graph, resumed.pending))
    assert b"".join(node_link_parts(graph, resumed.pending, None, kept)) == whole
    if kept is not None:
        damaged = KeptCoMentions(kept.data[:-1], kept.arrays)
        assert b"".join(node_link_parts(graph, resumed.pending, None, damaged)) == whole


@pytest.mark.parametrize("names", [["x", "y", "z"], ['a"b', "c\\d", "台灣\n"]])
def test_copied_co_mentions_whose_ids_need_escaping_are_the_same(names):
    """Where each copied row lies is worked out from the JSON lengths of its parts."""
    gazetteer = Gazetteer([Entity(id=n, type="place", name=f"地{i}", en=f"p{i}")
                           for i, n in enumerate(names)])  # fmt: skip

    def article(builder, number, date, entities):
        record = ArticleRecord(Article(id=f"a{number}", path=f"{number}.md", title="", text="",
                                       date=date))  # fmt: skip
        builder.add(record, tuple((e, 1, i, False, False) for i, e in enumerate(entities)))

    builder = GraphBuilder(gazetteer, min_co_mentions=1)
    article(builder, 0, "2020-01-02", names)
    article(builder, 1, "", names[:2])
    last_graph = builder.finish(complete=False)
    builder.count_co_mentions()
    kept = _copied_co_mentions(last_graph, builder.pending)
    builder.reopen()
    article(builder, 2, "2019-12-31", names[1:])
    graph = builder.finish(complete=False)
    builder.count_co_mentions()
    whole = b"".join(node_link_parts(graph, builder.pending))
    assert b"".join(node_link_parts(graph, builder.pending, None, kept)) == whole
