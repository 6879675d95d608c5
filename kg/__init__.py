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
