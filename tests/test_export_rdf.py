"""The Turtle parses in rdflib and pyoxigraph alike and says what schema.org says."""

from __future__ import annotations

from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.export.rdf import (
    generate_ntriples,
    node_iri,
    ntriples_change,
    patch_ntriples,
    patch_turtle,
    serialize_ntriples,
    sorted_ntriples,
    to_rdf,
)

from .conftest import GROWING_ARCHIVES, resumed_builder

SCHEMA = rdflib.Namespace("http://schema.org/")
E = rdflib.Namespace("https://example.org/kg/entity/")


def test_turtle_parses_in_rdflib_and_pyoxigraph_to_the_same_count(seeds_build):
    path = seeds_build.outputs["rdf"]
    g = rdflib.Graph().parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(g) == len(store) > 300


def test_turtle_and_ntriples_are_the_same_graph(seeds_build):
    ttl = rdflib.Graph().parse(data=to_rdf(seeds_build.graph, "turtle"), format="turtle")
    nt = rdflib.Graph().parse(data=to_rdf(seeds_build.graph, "ntriples"), format="nt")
    assert isomorphic(ttl, nt)


def test_jsonld_is_the_same_graph(seeds_build):
    ttl = rdflib.Graph().parse(data=to_rdf(seeds_build.graph, "turtle"), format="turtle")
    jsonld = rdflib.Graph().parse(data=to_rdf(seeds_build.graph, "jsonld"), format="json-ld")
    assert isomorphic(ttl, jsonld)


def test_schema_org_terms(seeds_build):
    g = rdflib.Graph().parse(seeds_build.outputs["rdf"], format="turtle")
    tsai = E["tsai-ing-wen"]
    assert (tsai, rdflib.RDF.type, SCHEMA.Person) in g
    names = {(str(o), o.language.lower()) for o in g.objects(tsai, SCHEMA.name)}
    assert names == {("蔡英文", "zh-hant"), ("蔡英文", "zh-hans"), ("Tsai Ing-wen", "en")}
    assert (tsai, SCHEMA.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q233984")) in g
    assert (E["tw-taipei"], SCHEMA.containedInPlace, E["country-tw"]) in g
    geo = g.value(E["tw-taipei"], SCHEMA.geo)
    assert float(g.value(geo, SCHEMA.latitude)) == 25.033
    articles = set(g.subjects(rdflib.RDF.type, SCHEMA.NewsArticle))
    assert len(articles) == 11  # 3 read + 8 linked stubs
    cna = rdflib.URIRef(
        "https://example.org/kg/article/cna.com.tw/news/firstnews/202101070375.aspx"
    )
    assert (cna, SCHEMA.publisher, E["cna"]) in g
    assert (cna, SCHEMA.mentions, E["tsai-ing-wen"]) in g
    assert str(g.value(cna, SCHEMA.datePublished)) == "2021-01-07T23:58:36+00:00"
    assert len(set(g.objects(cna, SCHEMA.relatedLink))) == 8


def test_base_iri_is_configurable(seeds_build):
    text = to_rdf(seeds_build.graph, "ntriples", base="urn:x:").decode()
    assert "<urn:x:entity/tsai-ing-wen>" in text and "example.org" not in text


def test_same_graph_same_bytes(seeds_build):
    assert to_rdf(seeds_build.graph) == to_rdf(seeds_build.graph)


@given(st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=8), max_size=8))
def test_ntriples_are_unique_and_in_code_point_order(titles):
    graph = nx.MultiDiGraph()
    for i, title in enumerate(titles):
        graph.add_node(f"article:{i % 3}", kind="article", title=title, url="", date="")
    lines = to_rdf(graph, "ntriples").decode().split("\n")  # not splitlines: \x85 is in titles
    assert lines == [line[:-1] for line in sorted(set(generate_ntriples(graph)))] + [""]


@given(GROWING_ARCHIVES)
def test_the_last_builds_triples_patched_are_the_triples_of_the_resumed_graph(archive):
    last_graph, last_pending, resumed, reopened = resumed_builder(*archive)
    last = sorted_ntriples(last_graph, pending=last_pending)
    graph = resumed.finish(complete=False)
    removed, added = ntriples_change(graph, resumed.pending, reopened)
    patched = patch_ntriples(last, removed, added)
    assert patched == sorted_ntriples(graph, pending=resumed.pending)
    assert not removed & added
    subjects = {line.split(b" ")[0] for line in removed | added}
    assert patch_turtle(serialize_ntriples(last), patched, subjects) == serialize_ntriples(patched)


_NODES = st.text(st.characters(exclude_categories=("Cs",)), max_size=5)
_TRIPLES = st.sets(
    st.tuples(
        st.tuples(st.sampled_from(["article:", "", "http://other.org/"]), _NODES),
        st.sampled_from(["http://schema.org/name", "http://schema.org/mentions"]),
        st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=5), _NODES),
    ),
    max_size=12,
)


def _sorted_lines(triples) -> bytes:
    def iri(kind, node):
        return ox.NamedNode(kind + quote(node) if "//" in kind else node_iri(kind + node))

    lines = {
        f"{ox.Triple(iri(*s), ox.NamedNode(p), ox.Literal(o) if isinstance(o, str) else iri(*o))} .\n"
        for s, p, o in triples
    }
    return "".join(sorted(lines)).encode()


@given(_TRIPLES, _TRIPLES)
def test_patched_turtle_is_the_turtle_of_the_new_triples(old, new):
    """Subjects under the base (prefixed names, with escapes) and outside it, literals with
    any character: the blocks of unchanged subjects are copied as they are."""
    old_lines, new_lines = _sorted_lines(old), _sorted_lines(new)
    changed = set(old_lines.splitlines(keepends=True)) ^ set(new_lines.splitlines(keepends=True))
    subjects = {line.split(b" ")[0] for line in changed}
    patched = patch_turtle(serialize_ntriples(old_lines), new_lines, subjects)
    assert patched == serialize_ntriples(new_lines)


def test_turtle_not_as_kg_wrote_it_is_written_afresh():
    new = b"<http://x/a> <http://x/p> <http://x/b> .\n"
    for turtle in (b"", b"not turtle\n", b"@prefix x: <http://x/> .\nx:a\tx:p x:c .\n"):
        assert patch_turtle(turtle, new, {b"<http://x/a>"}) == serialize_ntriples(new)


@given(
    st.sets(st.binary(max_size=4)), st.sets(st.binary(max_size=4)), st.sets(st.binary(max_size=4))
)
def test_patched_lines_are_the_sorted_lines_without_the_removed_and_with_the_added(
    lines, removed, added
):
    def as_lines(items):  # N-Triples escapes line breaks in literals and IRIs
        return {item.replace(b"\n", b"").replace(b"\r", b"") + b"\n" for item in items}

    lines, removed, added = as_lines(lines), as_lines(removed), as_lines(added)
    patched = patch_ntriples(b"".join(sorted(lines)), removed - added, added)
    assert patched == b"".join(sorted((lines - removed) | added))
