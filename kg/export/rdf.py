"""RDF export in schema.org terms: Turtle by default, N-Triples and JSON-LD on request.

Articles are ``schema:NewsArticle`` (headline, datePublished, url, publisher, author,
mentions, relatedLink); entities are ``schema:Person``, ``schema:Organization`` or
``schema:Place`` with ``schema:name`` and ``schema:alternateName`` as language-tagged
literals (zh-Hant, zh-Hans, en), ``schema:sameAs`` Wikidata, ``schema:geo`` and
``schema:containedInPlace`` for places. IRIs are stable: ``<base>entity/<id>`` and
``<base>article/<article id>``.

Serialisation uses pyoxigraph (Rust), about 50x faster than rdflib's Turtle writer; the
output is sorted, so the same graph always gives the same bytes.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("taipei", kind="entity", type="place", name="台北", name_hans="台北",
...            name_en="Taipei", aliases="", qid="", within="", lat=25.0, lon=121.5)
>>> lines = to_ntriples(G, base="https://example.org/kg/").splitlines()
>>> "<https://example.org/kg/entity/taipei> <http://schema.org/geo> <https://example.org/kg/entity/taipei#geo> ." in lines
True
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

from kg.export import write_atomic
from kg.graph import ARTICLE_PREFIX

DEFAULT_BASE = "https://example.org/kg/"
SCHEMA = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
WIKIDATA = "http://www.wikidata.org/entity/"
FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": None}
SUFFIXES = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}
_CLASSES = {"person": "Person", "institution": "Organization", "place": "Place"}


def _s(term: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + term)


def _lang(text: str) -> str:
    from kg.text import is_ascii_word, to_simplified

    if is_ascii_word(text):
        return "en"
    return "zh-Hans" if to_simplified(text) == text and _looks_simplified(text) else "zh-Hant"


def _looks_simplified(text: str) -> bool:
    from kg.text import to_traditional

    return to_traditional(text) != text


def node_iri(node: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    """The IRI of a graph node.

    >>> node_iri("article:cna.com.tw/a b", "https://example.org/kg/").value
    'https://example.org/kg/article/cna.com.tw/a%20b'
    """
    if node.startswith(ARTICLE_PREFIX):
        return ox.NamedNode(f"{base}article/{quote(node[len(ARTICLE_PREFIX) :], safe='/:._-~')}")
    return ox.NamedNode(f"{base}entity/{quote(node, safe='-')}")


def generate_triples(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Iterator[ox.Triple]:
    """Every triple of the graph, unsorted (pure)."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for node, d in graph.nodes(data=True):
        iri = node_iri(node, base)
        if d.get("kind") == "article":
            yield ox.Triple(iri, rdf_type, _s("NewsArticle"))
            if d.get("title"):
                yield ox.Triple(iri, _s("headline"), ox.Literal(d["title"]))
            if d.get("url"):
                yield ox.Triple(iri, _s("url"), ox.NamedNode(d["url"]))
            date = d.get("date", "")
            if date:
                kind = "dateTime" if "T" in date else "date"
                yield ox.Triple(
                    iri, _s("datePublished"), ox.Literal(date, datatype=ox.NamedNode(XSD + kind))
                )
            if d.get("author"):
                yield ox.Triple(iri, _s("author"), ox.Literal(d["author"]))
            if d.get("stub"):
                yield ox.Triple(
                    iri, _s("creativeWorkStatus"), ox.Literal("stub: linked, not in the input")
                )
            continue
        yield ox.Triple(iri, rdf_type, _s(_CLASSES[d["type"]]))
        yield ox.Triple(iri, _s("identifier"), ox.Literal(node))
        yield ox.Triple(iri, _s("name"), ox.Literal(d["name"], language="zh-Hant"))
        yield ox.Triple(iri, _s("name"), ox.Literal(d["name_hans"], language="zh-Hans"))
        yield ox.Triple(iri, _s("name"), ox.Literal(d["name_en"], language="en"))
        for alias in filter(None, (d.get("aliases") or "").split(" | ")):
            yield ox.Triple(iri, _s("alternateName"), ox.Literal(alias, language=_lang(alias)))
        if d.get("description"):
            yield ox.Triple(iri, _s("description"), ox.Literal(d["description"], language="en"))
        if d.get("qid"):
            yield ox.Triple(iri, _s("sameAs"), ox.NamedNode(WIKIDATA + d["qid"]))
        if "lat" in d:
            geo = ox.NamedNode(iri.value + "#geo")
            yield ox.Triple(iri, _s("geo"), geo)
            yield ox.Triple(geo, rdf_type, _s("GeoCoordinates"))
            yield ox.Triple(
                geo,
                _s("latitude"),
                ox.Literal(repr(float(d["lat"])), datatype=ox.NamedNode(XSD + "double")),
            )
            yield ox.Triple(
                geo,
                _s("longitude"),
                ox.Literal(repr(float(d["lon"])), datatype=ox.NamedNode(XSD + "double")),
            )
    predicates = {
        "mentions": "mentions",
        "published_by": "publisher",
        "related": "relatedLink",
        "located_in": "containedInPlace",
    }
    for u, v, key in graph.edges(keys=True):
        if key in predicates:
            yield ox.Triple(node_iri(u, base), _s(predicates[key]), node_iri(v, base))


def _sorted_triples(graph: nx.MultiDiGraph, base: str) -> list[ox.Triple]:
    return sorted(set(generate_triples(graph, base)), key=str)


def to_rdf(graph: nx.MultiDiGraph, format: str = "turtle", base: str = DEFAULT_BASE) -> bytes:
    """The graph serialised as `format` (turtle, ntriples or jsonld)."""
    triples = _sorted_triples(graph, base)
    if format == "jsonld":
        import rdflib

        g = rdflib.Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        return g.serialize(format="json-ld", context={"@vocab": SCHEMA}, sort_keys=True).encode()
    prefixes = {
        "schema": SCHEMA,
        "e": base + "entity/",
        "a": base + "article/",
        "xsd": XSD,
        "wd": WIKIDATA,
    }
    if format != "turtle":
        return ox.serialize(triples, format=FORMATS[format])
    text = ox.serialize(triples, format=FORMATS[format], prefixes=prefixes)
    lines = text.split(b"\n")
    head = sorted(line for line in lines if line.startswith(b"@prefix"))  # writer's order varies
    rest = [line for line in lines if not line.startswith(b"@prefix")]
    return b"\n".join(head + rest)


def to_ntriples(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> str:
    """N-Triples text, sorted."""
    return to_rdf(graph, "ntriples", base).decode()


def write_rdf(
    graph: nx.MultiDiGraph, path: str | Path, format: str = "turtle", base: str = DEFAULT_BASE
) -> Path:
    """Write the graph as RDF, atomically."""
    return write_atomic(path, to_rdf(graph, format, base))
