"""Write a loaded graph in the formats a build does not write by default."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.export.rdf import SUFFIXES, write_rdf
from kg.export.tables import write_gexf, write_graphml, write_node_link


def export_formats(
    graph: nx.MultiDiGraph, out: Path, formats: Iterable[str], base: str
) -> list[Path]:
    """Write each of `formats` (gexf, json, graphml, turtle, ntriples, jsonld) into `out`."""
    written = []
    for fmt in formats:
        if fmt == "gexf":
            written.append(write_gexf(graph, out / "graph.gexf"))
        elif fmt == "json":
            written.append(write_node_link(graph, out / "graph.json"))
        elif fmt == "graphml":
            written.append(write_graphml(graph, out / "graph.graphml"))
        else:
            written.append(write_rdf(graph, out / f"graph.{SUFFIXES[fmt]}", fmt, base))
    return written
