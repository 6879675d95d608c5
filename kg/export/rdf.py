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

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

from kg.export import write_atomic
from kg.graph import ARTICLE_PREFIX, PendingEdges, Reopened

DEFAULT_BASE = "https://example.org/kg/"
SCHEMA = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
WIKIDATA = "http://www.wikidata.org/entity/"
SUFFIXES = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}
_CLASSES = {"person": "Person", "institution": "Organization", "place": "Place"}


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _iri(value: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: quote(m.group()), value) + ">"


def _literal(value: str, language: str = "", datatype: str = "") -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{text}"@{language.lower()}'
    if datatype:
        return f'"{text}"^^<{XSD}{datatype}>'
    return f'"{text}"'


def _lang(text: str) -> str:
    from kg.text import is_ascii_word, to_simplified, to_traditional

    if is_ascii_word(text):
        return "en"
    return "zh-Hans" if to_simplified(text) == text and to_traditional(text) != text else "zh-Hant"


def node_iri(node: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of a graph node.

    >>> node_iri("article:cna.com.tw/a b", "https://example.org/kg/")
    'https://example.org/kg/article/cna.com.tw/a%20b'
    """
    if node.startswith(ARTICLE_PREFIX):
        return f"{base}article/{quote(node[len(ARTICLE_PREFIX) :], safe='/:._-~')}"
    return f"{base}entity/{quote(node, safe='-')}"


_PREDICATES = {
    "mentions": "mentions",
    "published_by": "publisher",
    "related": "relatedLink",
    "located_in": "containedInPlace",
}


class _Iris(dict):
    """Node -> its IRI in angle brackets, made on first need."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, node: str) -> str:
        iri = self[node] = _iri(node_iri(node, self.base))
        return iri


def generate_ntriples(
    graph: nx.MultiDiGraph, base: str = DEFAULT_BASE, pending: PendingEdges | None = None
) -> Iterator[str]:
    """N-Triples lines of the graph and of a build's `pending` mention edges (which it does
    not hold: :class:`~kg.graph.PendingEdges`), unsorted (pure string formatting: fast at
    archive size)."""
    iris = _Iris(base)
    yield from _node_lines(graph.nodes(data=True), iris)
    yield from _edge_lines(graph.edges(keys=True), iris)
    yield from _mention_lines(pending.mentions if pending is not None else (), iris)


def _node_lines(nodes: Iterable[tuple[str, dict]], iris: _Iris) -> Iterator[str]:
    s = SCHEMA
    for node, d in nodes:
        iri = iris[node]
        if d.get("kind") == "article":
            yield f"{iri} {_RDF_TYPE} <{s}NewsArticle> .\n"
            if d.get("title"):
                yield f"{iri} <{s}headline> {_literal(d['title'])} .\n"
            if d.get("url"):
                yield f"{iri} <{s}url> {_iri(d['url'])} .\n"
            date = d.get("date", "")
            if date:
                kind = "dateTime" if "T" in date else "date"
                yield f"{iri} <{s}datePublished> {_literal(date, datatype=kind)} .\n"
            if d.get("author"):
                yield f"{iri} <{s}author> {_literal(d['author'])} .\n"
            if d.get("stub"):
                yield f"{iri} <{s}creativeWorkStatus> {_literal('stub: linked, not in the input')} .\n"
            continue
        yield f"{iri} {_RDF_TYPE} <{s}{_CLASSES[d['type']]}> .\n"
        yield f"{iri} <{s}identifier> {_literal(node)} .\n"
        yield f"{iri} <{s}name> {_literal(d['name'], 'zh-Hant')} .\n"
        yield f"{iri} <{s}name> {_literal(d['name_hans'], 'zh-Hans')} .\n"
        yield f"{iri} <{s}name> {_literal(d['name_en'], 'en')} .\n"
        for alias in filter(None, (d.get("aliases") or "").split(" | ")):
            yield f"{iri} <{s}alternateName> {_literal(alias, _lang(alias))} .\n"
        if d.get("description"):
            yield f"{iri} <{s}description> {_literal(d['description'], 'en')} .\n"
        if d.get("qid"):
            yield f"{iri} <{s}sameAs> <{WIKIDATA}{d['qid']}> .\n"
        if "lat" in d:
            geo = _iri(node_iri(node, iris.base) + "#geo")
            yield f"{iri} <{s}geo> {geo} .\n"
            yield f"{geo} {_RDF_TYPE} <{s}GeoCoordinates> .\n"
            yield f"{geo} <{s}latitude> {_literal(repr(float(d['lat'])), datatype='double')} .\n"
            yield f"{geo} <{s}longitude> {_literal(repr(float(d['lon'])), datatype='double')} .\n"


def _edge_lines(edges: Iterable[tuple[str, str, str]], iris: _Iris) -> Iterator[str]:
    for u, v, key in edges:
        if key in _PREDICATES:
            yield f"{iris[u]} <{SCHEMA}{_PREDICATES[key]}> {iris[v]} .\n"


def _mention_lines(mentions: Iterable[tuple[str, tuple]], iris: _Iris) -> Iterator[str]:
    predicate = f"<{SCHEMA}{_PREDICATES['mentions']}>"
    for node, stats in mentions:
        article = iris[node]
        for entity_id, *_ in stats:
            yield f"{article} {predicate} {iris[entity_id]} .\n"


def ntriples_change(
    graph: nx.MultiDiGraph, pending: PendingEdges, reopened: Reopened, base: str = DEFAULT_BASE
) -> tuple[set[bytes], set[bytes]]:
    """The N-Triples lines to remove from the last build's triples and to add, when `graph`
    was finished by a builder that reopened that build's (:meth:`GraphBuilder.reopen
    <kg.graph.GraphBuilder.reopen>`) and added records: :func:`patch_ntriples` of the two
    gives :func:`sorted_ntriples` of `graph`.

    Only what finishing makes can change for the records kept (their stub articles,
    related and containment edges); the rest of the change is the new records' nodes, edges
    and mentions."""
    new_nodes = list(itertools.islice(graph.nodes(data=True), reopened.nodes, None))
    new = {node for node, _ in new_nodes}
    edges = [(u, v, key) for u, v, key in graph.edges(keys=True)
             if key in ("related", "located_in") or u in new]  # fmt: skip
    removed = _lines(base, reopened.stubs, reopened.edges, ())
    added = _lines(base, new_nodes, edges, pending.mentions[reopened.mentions :])
    return removed - added, added - removed


def _lines(
    base: str,
    nodes: Iterable[tuple[str, dict]],
    edges: Iterable[tuple[str, str, str]],
    mentions: Iterable[tuple[str, tuple]],
) -> set[bytes]:
    iris = _Iris(base)
    lines = itertools.chain(
        _node_lines(nodes, iris), _edge_lines(edges, iris), _mention_lines(mentions, iris)
    )
    return {line.encode() for line in lines}


def patch_ntriples(ntriples: bytes, removed: set[bytes], added: set[bytes]) -> bytes:
    """Sorted N-Triples without the lines `removed` and with the lines `added`: the same
    bytes :func:`sorted_ntriples` gives for the graph they describe.

    >>> patch_ntriples(b"<a> <p> <b> .\\n<c> <p> <d> .\\n", {b"<a> <p> <b> .\\n"}, {b"<b> <p> <c> .\\n"})
    b'<b> <p> <c> .\\n<c> <p> <d> .\\n'
    """
    drop = removed | added  # so that a line added again is not there twice
    lines = [line for line in ntriples.splitlines(keepends=True) if line not in drop]
    lines.extend(sorted(added))
    lines.sort()  # two sorted runs: merged in one pass
    return b"".join(lines)


def sorted_ntriples(
    graph: nx.MultiDiGraph, base: str = DEFAULT_BASE, pending: PendingEdges | None = None
) -> bytes:
    """The graph's N-Triples (`pending` as for :func:`generate_ntriples`), sorted and without
    repeats: the canonical form that every RDF output is written from, and that the query
    store is kept in step with (:func:`kg.query.prepare_store`)."""
    # sorted as UTF-8 bytes: the same order as the strings' (code points), and faster
    lines = generate_ntriples(graph, base, pending)
    return b"".join(sorted({line.encode() for line in lines}))


def serialize_ntriples(ntriples: bytes, format: str = "turtle", base: str = DEFAULT_BASE) -> bytes:
    """Sorted N-Triples (:func:`sorted_ntriples`) as `format`: turtle, ntriples or jsonld."""
    if format == "ntriples":
        return ntriples
    if format == "jsonld":
        import rdflib

        g = rdflib.Graph()
        g.parse(data=ntriples, format="nt")
        return g.serialize(format="json-ld", context={"@vocab": SCHEMA}, sort_keys=True).encode()
    prefixes = {
        "schema": SCHEMA,
        "e": base + "entity/",
        "a": base + "article/",
        "xsd": XSD,
        "wd": WIKIDATA,
    }
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    lines = text.split(b"\n")
    head = sorted(line for line in lines if line.startswith(b"@prefix"))  # writer's order varies
    rest = [line for line in lines if not line.startswith(b"@prefix")]
    return b"\n".join(head + rest)


def patch_turtle(
    turtle: bytes, ntriples: bytes, subjects: set[bytes], base: str = DEFAULT_BASE
) -> bytes:
    """The Turtle of `ntriples` (sorted N-Triples), made from `turtle`, the Turtle that
    :func:`serialize_ntriples` wrote of triples that differ from them only in the triples of
    `subjects` (N-Triples terms, ``b"<iri>"``): the same bytes, for a fraction of the time.

    The writer gives each subject one block, in the order of the sorted triples, and a
    block depends only on its subject's triples; so the other subjects' blocks are copied
    and only those of `subjects` written again.

    >>> old = b"<http://x/a> <http://x/p> <http://x/b> .\\n"
    >>> new = old + b"<http://x/c> <http://x/p> <http://x/b> .\\n"
    >>> patch_turtle(serialize_ntriples(old), new, {b"<http://x/c>"}) == serialize_ntriples(new)
    True
    """
    runs, end = [], 0
    for subject in sorted(subjects):  # in the order of the triples: one pass over them
        line = subject + b" "
        if ntriples.startswith(line):
            start = 0
        else:
            start = ntriples.find(b"\n" + line, max(end - 1, 0)) + 1
            if not start:
                continue  # no triples left
        end = start
        while ntriples.startswith(line, end):
            end = ntriples.index(b"\n", end) + 1
        runs.append(ntriples[start:end])
    header, blocks = _turtle_blocks(turtle)
    fresh_header, fresh_blocks = _turtle_blocks(serialize_ntriples(b"".join(runs), "turtle", base))
    try:
        kept = dict(zip(_block_subjects(header, blocks), blocks, strict=True))
        written = dict(zip(_block_subjects(header, fresh_blocks), fresh_blocks, strict=True))
    except (SyntaxError, ValueError):  # not Turtle as serialize_ntriples writes it
        return serialize_ntriples(ntriples, "turtle", base)
    for subject in subjects:
        kept.pop(subject, None)
    kept.update(written)
    if (fresh_header != header and runs) or len(written) != len(runs) or not kept:
        return serialize_ntriples(ntriples, "turtle", base)  # (no triples: no prefixes either)
    return header + b"".join(kept[subject] for subject in sorted(kept))


_BLOCK_START = re.compile(rb"\n(?!\t)")


def _turtle_blocks(turtle: bytes) -> tuple[bytes, list[bytes]]:
    """The prefix lines of Turtle that :func:`serialize_ntriples` wrote, and its blocks
    (a subject's triples: a line that starts with the subject, then lines that start with a
    tab; literals never hold a raw line break, which the writer escapes)."""
    bounds = [0, *(match.end() for match in _BLOCK_START.finditer(turtle))]
    pieces = [turtle[start:end] for start, end in itertools.pairwise(bounds)]
    prefixes = sum(1 for _ in itertools.takewhile(lambda p: p.startswith(b"@prefix"), pieces))
    return b"".join(pieces[:prefixes]), pieces[prefixes:]


def _block_subjects(header: bytes, blocks: list[bytes]) -> list[bytes]:
    """Each block's subject as an N-Triples term, read by the Turtle parser (which knows
    the prefixes and the escapes of prefixed names)."""
    heads = b"".join(block[: block.index(b" ")] + b" <urn:p> <urn:o> .\n" for block in blocks)
    parsed = ox.parse(header + heads, format=ox.RdfFormat.TURTLE)
    return [str(triple.subject).encode() for triple in parsed]


def to_rdf(graph: nx.MultiDiGraph, format: str = "turtle", base: str = DEFAULT_BASE) -> bytes:
    """The graph serialised as `format` (turtle, ntriples or jsonld), sorted, same bytes
    for the same graph."""
    return serialize_ntriples(sorted_ntriples(graph, base), format, base)


def to_ntriples(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> str:
    """N-Triples text, sorted."""
    return to_rdf(graph, "ntriples", base).decode()


def write_rdf(
    graph: nx.MultiDiGraph, path: str | Path, format: str = "turtle", base: str = DEFAULT_BASE
) -> Path:
    """Write the graph as RDF, atomically."""
    return write_atomic(path, to_rdf(graph, format, base))
