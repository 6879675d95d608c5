"""kg: a knowledge-graph builder for Chinese-language news archives.

Read a folder of articles, find the people, institutions and places a curated gazetteer
knows, and build one graph of entities, articles, publishers and related-article links,
exported as an interactive page, RDF and tables.

Examples
--------
>>> import kg
>>> result = kg.build(["seeds"], gazetteer="gazetteer", out=None)  # doctest: +SKIP
>>> result.graph.number_of_nodes()  # doctest: +SKIP
"""

__version__ = "0.1.0"

from kg.errors import ArticleError, GazetteerError, KgError, QueryError
from kg.query import query  # not lazy: importing the module kg.query would hide a lazy name
from kg.records import Article, ArticleRecord, Link, Mention, Section, Skipped

_LAZY = {
    "Entity": "kg.gazetteer",
    "Gazetteer": "kg.gazetteer",
    "load_gazetteer": ("kg.gazetteer", "load"),
    "BuildOptions": "kg.pipeline",
    "BuildResult": "kg.pipeline",
    "build": "kg.pipeline",
    "load": "kg.pipeline",
}


def __getattr__(name: str):
    """Import the heavy parts (networkx, jieba) only when they are used."""
    import importlib

    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    module, attribute = target if isinstance(target, tuple) else (target, name)
    return getattr(importlib.import_module(module), attribute)


__all__ = [
    "Article",
    "ArticleError",
    "ArticleRecord",
    "BuildOptions",
    "BuildResult",
    "Entity",
    "Gazetteer",
    "GazetteerError",
    "KgError",
    "Link",
    "Mention",
    "QueryError",
    "Section",
    "Skipped",
    "build",
    "load",
    "load_gazetteer",
    "query",
]
