"""SPARQL on the seeds' RDF with pyoxigraph: the shipped queries return the expected rows."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.errors import QueryError
from kg.query import query, read_query

from .conftest import ROOT, run_kg

QUERIES = ROOT / "queries"


@pytest.fixture(scope="module")
def ttl(seeds_build):
    return seeds_build.outputs["rdf"]


def test_co_mentioned_with_tsai_ing_wen(ttl):
    result = query(read_query(str(QUERIES / "co_mentioned_with.rq")), ttl)
    names = {row[1] for row in result.rows}
    assert {"拜登", "賀錦麗", "張惇涵", "川普", "中華民國總統府", "美國國會"} <= names
    assert "蔡英文" not in names
    assert result.columns == ["other", "name", "type", "articles"]


def test_publishers_mentioning_biden_by_month(ttl):
    result = query(read_query(str(QUERIES / "publishers_by_month.rq")), ttl)
    assert result.rows == [["2021-01", "中央通訊社", "1"], ["2021-02", "眾新聞", "1"]]


def test_linked_articles_are_the_cna_related_block(ttl):
    result = query(read_query(str(QUERIES / "linked_articles.rq")), ttl)
    assert len(result.rows) == 8
    assert {row[1] for row in result.rows} == {"總統府正式祝賀拜登當選 盼台美關係持續深化"}
    assert "彭斯違逆川普確認拜登勝選 賭上自身政治前途" in {row[3] for row in result.rows}


def test_places_with_coordinates(ttl):
    result = query(read_query(str(QUERIES / "places_with_coordinates.rq")), ttl)
    by_name = {row[0]: row for row in result.rows}
    assert by_name["台灣"][3] == "3"
    assert float(by_name["台北"][1]) == pytest.approx(25.03, abs=0.05)
    assert float(by_name["美國"][2]) < 0


def test_ask_and_construct(ttl):
    assert (
        query("PREFIX schema: <http://schema.org/> ASK { ?a a schema:NewsArticle }", ttl).boolean
        is True
    )
    constructed = query(
        "PREFIX schema: <http://schema.org/> CONSTRUCT { ?p a schema:Person } WHERE { ?p a schema:Person }",
        ttl,
    )
    assert constructed.triples.count("\n") >= 10


def test_bad_query_is_a_query_error(ttl):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        query("SELEKT nothing", ttl)


def test_missing_data_file_says_what_to_do(tmp_path):
    with pytest.raises(QueryError, match="run 'kg build' first"):
        query("ASK {}", tmp_path / "graph.ttl")


def test_cli_query_prints_a_table_csv_and_json(ttl):
    table = run_kg("query", "--data", str(ttl), str(QUERIES / "places_with_coordinates.rq"))
    assert table.returncode == 0 and "台北" in table.stdout and "rows)" in table.stdout
    csv_out = run_kg("query", "-d", str(ttl), "-f", "csv", "SELECT (1 AS ?one) WHERE {}")
    assert csv_out.stdout.splitlines() == ["one", "1"]
    json_out = run_kg("query", "-d", str(ttl), "-f", "json", "SELECT (1 AS ?one) WHERE {}")
    assert '"one": "1"' in json_out.stdout


def test_cli_query_error_is_one_line(ttl):
    result = run_kg("query", "-d", str(ttl), "SELEKT")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: SPARQL syntax error")
    assert "Traceback" not in result.stderr


def test_build_prepares_the_store_that_queries_open(seeds_build, ttl):
    stores = list((ttl.parent / ".kg-cache").glob("store-graph.ttl-*/complete"))
    assert len(stores) == 1
    from kg.query import open_store

    store = open_store(ttl)
    assert len(store) > 300


def _stores(folder):
    return sorted((folder / ".kg-cache").glob("store-graph.ttl-*"))


def _triples_of(path):
    import pyoxigraph as ox

    fresh = ox.Store()
    fresh.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return set(fresh)


def _write_graph(graph, path):
    from kg.export import write_atomic
    from kg.export.rdf import serialize_ntriples, sorted_ntriples

    ntriples = sorted_ntriples(graph)
    write_atomic(path, serialize_ntriples(ntriples))
    return ntriples


def test_prepare_store_changes_the_previous_store_by_the_difference(seeds_build, tmp_path):
    from kg.export.rdf import sorted_ntriples
    from kg.query import open_store, prepare_store

    graph = seeds_build.graph.copy()
    path = tmp_path / "graph.ttl"
    assert prepare_store(path, _write_graph(graph, path)) == "loaded"
    first = _stores(tmp_path)
    graph.add_node("article:x/1", kind="article", type="article", title="新文章", url="")
    graph.add_edge("article:x/1", "tsai-ing-wen", "mentions")
    graph.remove_node(next(n for n in graph if n.startswith("article:")))
    assert prepare_store(path, _write_graph(graph, path)) == "updated"
    assert len(_stores(tmp_path)) == 1 and _stores(tmp_path) != first
    assert set(open_store(path)) == _triples_of(path)
    assert (_stores(tmp_path)[0] / "triples.nt").read_bytes() == sorted_ntriples(graph)


def test_prepare_store_loads_afresh_after_a_large_change_or_an_interrupted_one(
    seeds_build, tmp_path
):
    from kg.query import open_store, prepare_store

    graph = seeds_build.graph.copy()
    path = tmp_path / "graph.ttl"
    prepare_store(path, _write_graph(graph, path))
    entities = [n for n, d in graph.nodes(data=True) if d.get("kind") == "entity"]
    graph.remove_nodes_from(entities[: len(entities) // 2])
    assert prepare_store(path, _write_graph(graph, path)) == "loaded"
    assert set(open_store(path)) == _triples_of(path)

    (_stores(tmp_path)[0] / "complete").unlink()  # as if a build had died while updating it
    graph.add_node("article:x/2", kind="article", type="article", title="", url="")
    graph.add_edge("article:x/2", entities[-1], "mentions")
    assert prepare_store(path, _write_graph(graph, path)) == "loaded"
    assert len(_stores(tmp_path)) == 1
    assert set(open_store(path)) == _triples_of(path)

    triples = _stores(tmp_path)[0] / "triples.nt"
    triples.unlink()
    triples.mkdir()  # there, but unreadable
    graph.add_node("article:x/3", kind="article", type="article", title="", url="")
    assert prepare_store(path, _write_graph(graph, path)) == "loaded"
    assert set(open_store(path)) == _triples_of(path)


def test_a_rebuild_keeps_the_store_in_step_with_the_rdf(tmp_path):
    import shutil

    from kg.query import open_store

    articles = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", articles)
    out = tmp_path / "out"
    run_kg("build", str(articles), "--out", str(out), "-q", check=True)
    sst_files = {(f.stat().st_ino, f.stat().st_mtime_ns) for f in _stores(out)[0].glob("*.sst")}
    (articles / "new.md").write_text(
        "---\ntitle: 短訊\n---\n蔡英文今日出席活動。\n", encoding="utf-8"
    )
    run_kg("build", str(articles), "--out", str(out), "-q", check=True)
    assert len(_stores(out)) == 1
    kept = sst_files & {
        (f.stat().st_ino, f.stat().st_mtime_ns) for f in _stores(out)[0].glob("*.sst")
    }
    assert kept  # the store was updated, not made again
    assert set(open_store(out / "graph.ttl")) == _triples_of(out / "graph.ttl")
    rows = query("SELECT ?h WHERE { ?a <http://schema.org/headline> ?h }", out / "graph.ttl").rows
    assert ["短訊"] in rows


def test_kg_query_stays_the_function_after_a_build_imports_its_module(tmp_path):
    """`kg.build` imports the module kg.query, which Python binds as the attribute
    ``kg.query``: the package must keep the function there."""
    script = "import kg, kg.pipeline\nprint(kg.query('ASK {}', data=None).boolean)\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=tmp_path, check=True)  # fmt: skip
    assert result.stdout == "True\n"
