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
from kg.gazetteer import Entity, Gazetteer
from kg.gazetteer import load as load_gazetteer
from kg.pipeline import BuildOptions, BuildResult, build, load
from kg.query import query
from kg.records import Article, ArticleRecord, Link, Mention, Section, Skipped

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
