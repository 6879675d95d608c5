"""Network analysis of a built graph: top entities, centrality, communities.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> for n, m in (("a", 3), ("b", 2), ("c", 1)):
...     G.add_node(n, kind="entity", type="person", name=n, mentions=m, articles=m)
>>> _ = G.add_edge("a", "b", key="co_mentioned", articles=2)
>>> graph_stats(G, top=2)["top_mentioned"][0]["id"]
'a'
"""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx

from kg.graph import co_mention_graph, entity_nodes


def _row(graph: nx.MultiDiGraph, node: str, **extra) -> dict:
    d = graph.nodes[node]
    return {
        "id": node,
        "name": d.get("name", ""),
        "type": d.get("type", ""),
        "mentions": d.get("mentions", 0),
        **extra,
    }


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> dict:
    """Counts by type, the top entities by mentions, PageRank and betweenness on the
    co-mention graph, and Louvain communities with their most-mentioned members."""
    kinds = Counter(d.get("type", "?") for _, d in graph.nodes(data=True))
    relations = Counter(k for _, _, k in graph.edges(keys=True))
    co = co_mention_graph(graph)
    summary: dict = {
        "nodes": dict(sorted(kinds.items())),
        "edges": dict(sorted(relations.items())),
        "top_mentioned": [_row(graph, n) for n in entity_nodes(graph)[:top]],
    }
    if co.number_of_edges():
        rank, between, communities = co_mention_measures(co)
        summary["top_pagerank"] = [
            _row(graph, n, score=round(s, 5))
            for n, s in sorted(rank.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ]
        summary["top_betweenness"] = [
            _row(graph, n, score=round(s, 5))
            for n, s in sorted(between.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ]
        ranked = sorted(communities, key=lambda c: (-len(c), min(c)))
        summary["communities"] = [
            {
                "size": len(c),
                "members": [
                    graph.nodes[n].get("name", n) for n in entity_nodes(graph.subgraph(c))[:top]
                ],
            }
            for c in ranked[:top]
        ]
    return summary


def co_mention_measures(
    co: nx.Graph,
) -> tuple[dict[str, float], dict[str, float], list[set[str]]]:
    """PageRank (weighted by shared articles), exact betweenness (normalised, unweighted)
    and Louvain communities of a co-mention graph, as networkx's ``pagerank``,
    ``betweenness_centrality`` and ``louvain_communities`` define them.

    Computed by igraph, in C: an archive's co-mention graph (a few thousand entities, a
    quarter of a million edges) takes networkx 20 s for a betweenness sampled from 300
    sources; igraph computes it exactly in 4 s.

    >>> co = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1})])
    >>> rank, between, communities = co_mention_measures(co)
    >>> between
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import igraph

    nodes = list(co)
    index = {node: i for i, node in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in co.edges()])
    graph.es["weight"] = [d.get("weight", 1) for _, _, d in co.edges(data=True)]
    rank = graph.pagerank(weights="weight", damping=0.85)
    pairs = (len(nodes) - 1) * (len(nodes) - 2) / 2  # pairs of other nodes, for the scale
    between = [b / pairs if pairs else 0.0 for b in graph.betweenness(directed=False)]
    igraph.set_random_number_generator(random.Random(7))  # Louvain visits nodes at random
    try:
        levels = graph.community_multilevel(weights="weight")
    finally:
        igraph.set_random_number_generator(random)
    communities = [{nodes[i] for i in members} for members in levels]
    return dict(zip(nodes, rank)), dict(zip(nodes, between)), communities


def stats_text(summary: dict) -> str:
    """A plain-text rendering of :func:`graph_stats`."""
    lines = ["nodes: " + ", ".join(f"{k} {v}" for k, v in summary["nodes"].items())]
    lines.append("edges: " + ", ".join(f"{k} {v}" for k, v in summary["edges"].items()))
    for key, title in (("top_mentioned", "most mentioned"), ("top_pagerank", "PageRank (co-mentions)"),
                       ("top_betweenness", "betweenness (co-mentions)")):  # fmt: skip
        if key in summary:
            lines.append(f"\n{title}:")
            for i, row in enumerate(summary[key], 1):
                score = f"  {row['score']}" if "score" in row else ""
                lines.append(
                    f"{i:3}. {row['name']} ({row['type']}, {row['mentions']} mentions){score}"
                )
    if "communities" in summary:
        lines.append("\ncommunities (Louvain):")
        for i, community in enumerate(summary["communities"], 1):
            lines.append(f"{i:3}. {community['size']} entities: {', '.join(community['members'])}")
    return "\n".join(lines)
