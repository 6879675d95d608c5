"""Assemble the knowledge graph: a reduce over the records of all articles.

The graph is a :class:`networkx.MultiDiGraph` whose edge keys name the relation, so that an
article can both mention and be published by the same outlet. Node ids are entity ids
(``tsai-ing-wen``) and ``article:<article id>``. Every attribute is a plain str, int, float
or bool, so the graph writes to GraphML and GEXF as it is.

Nodes (attribute ``kind``): ``entity`` (``type`` person, institution or place; publishers
are institutions) and ``article`` (``stub`` True for linked articles not in the input).

Edges (key): ``mentions`` article→entity (count, first_offset, in_title, in_lead),
``published_by`` article→publisher, ``related`` article→article, ``co_mentioned``
entity→entity in id order for pairs named together in at least `min_co_mentions` articles
(articles, first_date, last_date), ``located_in`` place→place. A build keeps the mention
and co-mention edges beside the graph until it is asked for (:class:`PendingEdges`).

Examples
--------
>>> from kg.gazetteer import Entity, Gazetteer
>>> from kg.records import Article, ArticleRecord, Mention, Section
>>> g = Gazetteer([Entity(id="tw", type="place", name="台灣", en="Taiwan")])
>>> a = Article(id="a1", path="a.md", title="台灣", text="台灣", sections=(Section(0, 2, "title"),))
>>> builder = GraphBuilder(g)
>>> builder.add(ArticleRecord(a, (Mention("a1", "tw", "台灣", 0, 2, "title"),)))
>>> graph = builder.finish()
>>> graph.edges["article:a1", "tw", "mentions"]["in_title"]
True
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.gazetteer import Entity, Gazetteer
from kg.records import ArticleRecord

ARTICLE_PREFIX = "article:"


def article_node(article_id: str) -> str:
    """The graph node id of an article.

    >>> article_node("cna.com.tw/news/1.aspx")
    'article:cna.com.tw/news/1.aspx'
    """
    return ARTICLE_PREFIX + article_id


class GraphBuilder:
    """Accumulates article records one at a time; :meth:`finish` returns the graph.

    Only counts and small attributes are kept per article, never its text, so an archive
    streams through in bounded memory.
    """

    def __init__(self, gazetteer: Gazetteer, min_co_mentions: int = 2) -> None:
        self.gazetteer = gazetteer
        self.min_co_mentions = min_co_mentions
        self._graph = nx.MultiDiGraph()
        self._entity_index: dict[str, int] = {}  # entity id -> number, in order of first mention
        self._together: list[tuple[str, list[int]]] = []  # (date, entity numbers) per article
        self._links: list[tuple[str, str, str]] = []  # (from article node, url, title)
        self._by_url: dict[str, str] = {}
        self._entity_mentions: Counter[str] = Counter()
        self._entity_articles: Counter[str] = Counter()
        self._co_mentions_counted = False
        self._pair_totals: Any = None  # see _counted_pairs
        self._pair_dates: list[str] = []
        self._keyed_articles = 0
        self._stub_urls: list[str] = []  # links that finish() resolved to stub articles
        self._completed = False
        self.pending = PendingEdges()
        """The mention and co-mention edges, kept out of the graph until :meth:`finish`
        completes it (a build writes them from here: see :class:`PendingEdges`)."""

    def __getstate__(self) -> dict:
        """Pickled without the gazetteer, which a build keeps apart (set :attr:`gazetteer`
        again after loading), and without the co-mentions, which :meth:`finish` counts
        again. A build resumes its reduce this way: see :meth:`reopen`."""
        pending = PendingEdges(self.pending.mentions)
        return {**self.__dict__, "gazetteer": None, "pending": pending,
                "_co_mentions_counted": False}  # fmt: skip

    def add(self, record: ArticleRecord, stats: MentionStats | None = None) -> None:
        """Fold in one article; `stats` is its :func:`mention_stats` when already computed
        (a worker process computes them, so the record can travel without its mentions)."""
        article = record.article
        node = article_node(article.id)
        graph = self._graph
        graph.add_node(
            node,
            kind="article",
            type="article",
            label=article.title,
            title=article.title,
            date=article.date,
            url=article.url,
            path=article.path,
            author=article.author,
            publisher=record.publisher_id,
            stub=False,
        )
        if article.url:
            self._by_url[article.url] = node
        if record.publisher_id:
            self._entity_index.setdefault(record.publisher_id, len(self._entity_index))
            graph.add_edge(node, record.publisher_id, "published_by")
        stats = mention_stats(record) if stats is None else stats
        index = self._entity_index
        numbers = []
        for entity_id, count, *_ in stats:
            known = len(index)
            number = index.setdefault(entity_id, known)
            if number == known:
                graph.add_node(entity_id)  # where its first mention edge would have made it
            numbers.append(number)
            self._entity_mentions[entity_id] += count
            self._entity_articles[entity_id] += 1
        if stats:
            self.pending.mentions.append((node, stats))
        if len(numbers) > 1:
            self._together.append((article.date, numbers))
        for link in article.links:
            self._links.append((node, link.url, link.title))

    def finish(self, complete: bool = True) -> nx.MultiDiGraph:
        """Resolve links, add containment edges, and return the graph; with `complete`, add
        the mention and co-mention edges too (:meth:`count_co_mentions`, :attr:`pending`).

        A build finishes with ``complete=False`` and writes its outputs from the graph and
        :attr:`pending`: the edges reach networkx only if its caller asks for the graph.
        """
        graph = self._graph
        for entity_id in self._entity_index:
            attributes = entity_attributes(self.gazetteer[entity_id])
            attributes["mentions"] = self._entity_mentions[entity_id]
            attributes["articles"] = self._entity_articles[entity_id]
            graph.add_node(entity_id, **attributes)
        for source, url, title in self._links:
            target = self._by_url.get(url)
            if target is None:
                target = article_node(url.split("://", 1)[1])
                if target not in graph:
                    graph.add_node(
                        target, kind="article", type="article", label=title or url,
                        title=title, date="", url=url, path="", author="", publisher="",
                        stub=True,
                    )  # fmt: skip
                self._by_url[url] = target
                self._stub_urls.append(url)
            if target != source and not graph.has_edge(source, target, "related"):
                graph.add_edge(source, target, key="related", title=title)
        for node, data in list(graph.nodes(data=True)):
            if data.get("type") == "place":
                container = self.gazetteer.get(data.get("within", ""))
                if container is not None and container.id in graph:
                    graph.add_edge(node, container.id, key="located_in")
        if complete:
            self._completed = True
            self.count_co_mentions()
            self.pending.add_to(graph)
            self.pending = PendingEdges()
        return graph

    @contextlib.contextmanager
    def reopened(self) -> Iterator[None]:
        """Add records to a finished graph, which is finished again (without counting the
        co-mentions) on leaving: how a build replays the files that builds after the one
        that kept this state added (see ``pipeline._resume``).

        >>> from kg.gazetteer import Gazetteer
        >>> from kg.records import Article
        >>> builder = GraphBuilder(Gazetteer([]))
        >>> _ = builder.finish(complete=False)
        >>> with builder.reopened():
        ...     builder.add(ArticleRecord(Article("a", "a.md", "", "")), ())
        >>> builder.finish(complete=False).number_of_nodes()
        1
        """
        self.reopen()
        yield
        self.finish(complete=False)

    def reopen(self) -> Reopened:
        """Undo :meth:`finish` (its stub articles, related and containment edges, and counted
        co-mentions), so that more records can be added and the builder finished again with
        the graph a builder that saw every record at once would give. The entities'
        attributes stay: finishing sets them all again. Returns what was undone.

        >>> from kg.gazetteer import Entity, Gazetteer
        >>> from kg.records import Article, ArticleRecord, Link
        >>> link = Link(url="https://x.org/2", title="")
        >>> builder = GraphBuilder(Gazetteer([]))
        >>> builder.add(ArticleRecord(Article(id="1", path="1", title="", text="", links=(link,))))
        >>> sorted(builder.finish(complete=False))
        ['article:1', 'article:x.org/2']
        >>> [node for node, _ in builder.reopen().stubs]
        ['article:x.org/2']
        >>> builder.add(ArticleRecord(Article(id="2", path="2", title="", text="", url=link.url)))
        >>> sorted(builder.finish(complete=False))
        ['article:1', 'article:2']
        """
        if self._completed:
            raise ValueError("finish(complete=True) put the pending edges in the graph")
        graph = self._graph
        added_edges = [(u, v, key) for u, v, key in graph.edges(keys=True)
                       if key in ("related", "located_in")]  # fmt: skip
        graph.remove_edges_from(added_edges)
        stubs = [(node, data) for node, data in graph.nodes(data=True) if data.get("stub")]
        graph.remove_nodes_from(node for node, _ in stubs)
        for url in self._stub_urls:
            del self._by_url[url]
        self._stub_urls = []
        self.pending.co_mentions, self._co_mentions_counted = [], False
        self.pending.co_mention_arrays = None
        return Reopened(stubs, added_edges, graph.number_of_nodes(), len(self.pending.mentions))

    def count_co_mentions(self) -> list[CoMention]:
        """The ``co_mentioned`` edges (into :attr:`pending`): the entity pairs named together
        in at least `min_co_mentions` articles, each pair in id order. Counted once, after
        every record is in (again after :meth:`reopen`: see :meth:`_counted_pairs`)."""
        if not self._co_mentions_counted:
            self.pending.co_mentions = list(self._count_co_mentions())
            self._co_mentions_counted = True
        return self.pending.co_mentions

    def _count_co_mentions(self) -> Iterator[CoMention]:
        if not self._together:
            return
        import numpy as np

        pairs, counts, first, last, dates = self._counted_pairs()
        keep = counts >= self.min_co_mentions
        pairs, counts, first, last = pairs[keep], counts[keep], first[keep] - 1, last[keep] - 1
        names = sorted(self._entity_index, key=lambda name: self._entity_index[name])
        names_of = np.array(names, dtype=object)
        id_order = np.argsort(np.argsort(names_of))  # each entity's place among the sorted ids
        one, other = pairs >> _BITS, pairs & _MASK
        swap = id_order[other] < id_order[one]  # each pair in id order
        dates_of = np.array([*dates, ""], dtype=object)  # index -1: never dated
        source, target = np.where(swap, other, one), np.where(swap, one, other)
        self.pending.co_mention_arrays = CoMentionArrays(
            pairs, source, target, counts, first, last, names, dates
        )
        yield from zip(
            names_of[source].tolist(),
            names_of[target].tolist(),
            counts.tolist(),
            dates_of[first].tolist(),
            dates_of[last].tolist(),
        )

    def _counted_pairs(self) -> tuple[Any, Any, Any, Any, list[str]]:
        """Each pair of entities that articles name together, as sorted int64 codes
        ``a << 21 | b`` (entity numbers a < b), with the number of those articles and the
        first and last of their dates (places in the dates returned, from 1; 0: none dated).

        Counted with numpy over every article at once: articles that name the same number of
        entities are stacked into one matrix, so an archive's millions of pairs take a few
        dozen array operations. The totals stay in the builder: after :meth:`reopen`, only
        the new articles' pairs are counted, and added to them."""
        import numpy as np

        together = self._together
        dates = sorted({d for d, _ in together if d})
        if len(self._entity_index) > _MASK or len(dates) >= _MASK:
            raise ValueError(f"co-mentions are counted for up to {_MASK} entities and dates")
        rank = {d: i for i, d in enumerate(dates, start=1)}
        new = together[self._keyed_articles :]
        counts_of = np.fromiter((len(n) for _, n in new), np.int64, len(new))
        flat = np.fromiter(itertools.chain.from_iterable(n for _, n in new),
                           np.int64, int(counts_of.sum()))  # fmt: skip
        offsets = np.cumsum(counts_of) - counts_of
        day_of = np.fromiter((rank.get(d, 0) for d, _ in new), np.int64, len(new))
        parts = [np.empty(0, np.int64)]
        for n in np.unique(counts_of).tolist():
            rows = np.flatnonzero(counts_of == n)
            matrix = flat[offsets[rows, None] + np.arange(n)]  # one article per row
            a, b = np.triu_indices(n, 1)
            left, right = matrix[:, a], matrix[:, b]
            pair = np.minimum(left, right) << _BITS | np.maximum(left, right)
            parts.append((pair << _BITS | day_of[rows, None]).ravel())
        keys = np.concatenate(parts)  # pair and day: sorted, each pair's undated days first
        keys.sort()
        pair, day = keys >> _BITS, keys & _MASK
        starts = np.flatnonzero(np.r_[len(keys) > 0, pair[1:] != pair[:-1]])
        ends = np.r_[starts[1:], len(keys)][: len(starts)]  # (no pairs: neither)
        undated_so_far = np.zeros(len(keys) + 1, np.int64)  # reduceat over bools is slower
        np.cumsum(day == 0, out=undated_so_far[1:])
        undated = undated_so_far[ends] - undated_so_far[starts]
        totals = (pair[starts], ends - starts, day[np.minimum(starts + undated, ends - 1)],
                  day[ends - 1])  # fmt: skip
        if self._pair_totals is not None:
            kept = self._pair_totals
            if self._pair_dates != dates[: len(self._pair_dates)]:
                # dates before the last: renumber (later ones, as an archive grows, keep theirs)
                renumber = np.array([0, *(rank[d] for d in self._pair_dates)], np.int64)
                kept = (kept[0], kept[1], renumber[kept[2]], renumber[kept[3]])
            totals = _added_pair_totals(kept, totals)
        self._pair_totals, self._pair_dates, self._keyed_articles = totals, dates, len(together)
        return (*totals, dates)


def _added_pair_totals(kept: tuple, new: tuple) -> tuple:
    """Pair totals (:meth:`GraphBuilder._counted_pairs`) of two sets of articles together."""
    import numpy as np

    pairs, counts, first, last = kept
    new_pairs, new_counts, new_first, new_last = new
    at = np.searchsorted(pairs, new_pairs)
    known = at < len(pairs)
    known[known] = pairs[at[known]] == new_pairs[known]
    i = at[known]
    counts, first, last = counts.copy(), first.copy(), last.copy()
    counts[i] += new_counts[known]
    old_first, add_first = first[i], new_first[known]
    first[i] = np.where((old_first == 0) | ((add_first != 0) & (add_first < old_first)),
                        add_first, old_first)  # fmt: skip
    last[i] = np.maximum(last[i], new_last[known])
    at, fresh = at[~known], ~known
    return (
        np.insert(pairs, at, new_pairs[fresh]),
        np.insert(counts, at, new_counts[fresh]),
        np.insert(first, at, new_first[fresh]),
        np.insert(last, at, new_last[fresh]),
    )


_BITS = 21
_MASK = (1 << _BITS) - 1  # the most entities, and dates, that co-mention keys hold


@dataclass(frozen=True)
class Reopened:
    """What :meth:`GraphBuilder.reopen` undid, and where the builder stood then: what tells
    a rebuild which parts of the finished graph can differ from the last build's."""

    stubs: list[tuple[str, dict]]
    """The stub article nodes removed, with their attributes."""
    edges: list[tuple[str, str, str]]
    """The related and containment edges removed (u, v, key)."""
    nodes: int
    """Nodes left: those added after them are new (or stubs made again)."""
    mentions: int
    """Articles in :attr:`PendingEdges.mentions`: those after them are new."""


CoMention = tuple[str, str, int, str, str]
"""A ``co_mentioned`` edge: (entity, entity, articles, first date, last date)."""


@dataclass(frozen=True)
class CoMentionArrays:
    """The ``co_mentioned`` edges of :attr:`PendingEdges.co_mentions`, row for row, as
    arrays: what a rebuild compares with the last build's to copy the rows that did not
    change (:func:`kg.export.tables.node_link_parts`). In a resumed reduce an entity keeps
    its number and a pair its code, so the same pair is the same edge."""

    pairs: Any
    """int64 pair codes, ascending."""
    source: Any
    """Entity numbers (places in :attr:`names`) of each edge's source and target."""
    target: Any
    counts: Any
    """Articles that name the pair."""
    first: Any
    """Places in :attr:`dates` of the first and last of their dates (-1: none dated)."""
    last: Any
    names: list[str]
    """Entity ids by number."""
    dates: list[str]


@dataclass
class PendingEdges:
    """Mention and co-mention edges that a build writes without putting them into networkx.

    An archive has hundreds of thousands of each, and adding them to a networkx graph one by
    one cost more than writing them out. The exports take them beside the graph and write
    them after its own edges, in the order :meth:`add_to` adds them, so a graph read back
    from graph.json is the one :meth:`add_to` completes (``kg.build(...).graph`` does).

    >>> G = nx.MultiDiGraph(); G.add_nodes_from(["article:a", "tw", "us"])
    >>> pending = PendingEdges([("article:a", (("tw", 2, 0, True, False),))], [("tw", "us", 3, "", "")])
    >>> len(pending), pending.add_to(G), sorted(G.edges(keys=True))
    (2, None, [('article:a', 'tw', 'mentions'), ('tw', 'us', 'co_mentioned')])
    """

    mentions: list[tuple[str, MentionStats]] = field(default_factory=list)
    """Per article node with mentions, its :func:`mention_stats`."""
    co_mentions: list[CoMention] = field(default_factory=list)
    co_mention_arrays: CoMentionArrays | None = field(default=None, compare=False, repr=False)
    """The same co-mentions as arrays, when the builder counted them."""

    def __len__(self) -> int:
        return sum(len(stats) for _, stats in self.mentions) + len(self.co_mentions)

    def add_to(self, graph: nx.MultiDiGraph) -> None:
        """Add the edges to `graph`: first the mentions, then the co-mentions."""
        add_edge = graph.add_edge  # add_edges_from is slower for keyed edges
        for node, stats in self.mentions:
            for entity_id, count, first_offset, in_title, in_lead in stats:
                add_edge(node, entity_id, "mentions", count=count, first_offset=first_offset,
                         in_title=in_title, in_lead=in_lead)  # fmt: skip
        for u, v, count, first_date, last_date in self.co_mentions:
            add_edge(u, v, "co_mentioned", articles=count, first_date=first_date,
                     last_date=last_date)  # fmt: skip


MentionStats = tuple[tuple[str, int, int, bool, bool], ...]
"""Per entity an article names: (entity id, mentions, first offset, in title, in lead)."""


def mention_stats(record: ArticleRecord) -> MentionStats:
    """What the graph keeps of an article's mentions: per entity, in order of first mention,
    how often it is named, where first, and whether in the title or the lead paragraph.

    >>> from kg.records import Article, Mention, Section
    >>> a = Article(id="a1", path="a.md", title="台灣", text="台灣", sections=(Section(0, 2, "title"),))
    >>> mention_stats(ArticleRecord(a, (Mention("a1", "tw", "台灣", 0, 2, "title"),)))
    (('tw', 1, 0, True, False),)
    """
    lead = next((s for s in record.article.sections if s.part == "body"), None)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    in_title: set[str] = set()
    in_lead: set[str] = set()
    for mention in record.mentions:
        counts[mention.entity_id] += 1
        first.setdefault(mention.entity_id, mention.start)
        if mention.part == "title":
            in_title.add(mention.entity_id)
        elif lead is not None and lead.start <= mention.start < lead.end:
            in_lead.add(mention.entity_id)
    return tuple(
        (entity_id, count, first[entity_id], entity_id in in_title, entity_id in in_lead)
        for entity_id, count in counts.items()
    )


def entity_attributes(entity: Entity) -> dict:
    """The node attributes of an entity: plain values only (lists joined with ' | ')."""
    attributes: dict[str, str | int | float] = {
        "kind": "entity",
        "type": entity.type,
        "label": entity.name,
        "name": entity.name,
        "name_hans": entity.name_hans,
        "name_en": entity.en,
        "aliases": " | ".join((*entity.aliases, *entity.weak)),
        "region": entity.region,
        "description": entity.desc,
        "qid": entity.qid,
        "within": entity.within,
        "mentions": 0,
        "articles": 0,
    }
    if entity.coords:
        attributes["lat"], attributes["lon"] = entity.coords
    return attributes


def entity_nodes(graph: nx.MultiDiGraph, type: str | None = None) -> list[str]:
    """Entity node ids, optionally of one type, most mentioned first.

    >>> G = nx.MultiDiGraph(); G.add_node("a", kind="entity", type="place", mentions=2)
    >>> entity_nodes(G)
    ['a']
    """
    nodes = [
        n
        for n, d in graph.nodes(data=True)
        if d.get("kind") == "entity" and (type is None or d.get("type") == type)
    ]
    return sorted(nodes, key=lambda n: (-graph.nodes[n].get("mentions", 0), n))


def co_mention_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected entity–entity graph, weighted by the number of shared articles."""
    co = nx.Graph()
    co.add_nodes_from((n, graph.nodes[n]) for n in entity_nodes(graph))
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key == "co_mentioned":
            co.add_edge(a, b, weight=data["articles"])
    return co
