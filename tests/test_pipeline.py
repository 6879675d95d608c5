"""kg.build from Python, the report, the cache, and the shared corpora."""

from __future__ import annotations

import collections
import gc
import json
import multiprocessing
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg import pipeline
from kg.errors import KgError
from kg.records import Skipped

from .conftest import DATA, GAZETTEER, SEEDS


def test_build_in_memory_prints_nothing(capsys):
    result = kg.build([SEEDS], gazetteer=GAZETTEER, out=None)
    assert result.counts["articles"] == 3 and result.counts["skipped"] == 0
    assert result.graph.number_of_nodes() == result.counts["nodes"]
    assert len(result.mentions) == result.counts["mentions"] > 100
    assert capsys.readouterr() == ("", "")


def test_report_accounts_for_every_file(seeds_build):
    report = seeds_build.report
    assert len(report["files"]) == report["counts"]["files"] == 3
    assert all(f["status"] == "read" for f in report["files"])


def test_report_counts_match_the_graph(tmp_path):
    """Two articles, one linking to the other and to an article not in the input."""
    related = "\n\n延伸閱讀：\n\n- [乙](https://www.rthk.hk/news/2.htm)\n- [丙](https://www.rthk.hk/news/3.htm)\n"
    (tmp_path / "a.md").write_text(
        "---\ntitle: 甲\nurl: https://www.rthk.hk/news/1.htm\n---\n\n香港電台報道台灣新聞。"
        + related,
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "---\ntitle: 乙\nurl: https://www.rthk.hk/news/2.htm\n---\n\n美國新聞。\n",
        encoding="utf-8",
    )
    result = kg.build([tmp_path], gazetteer=GAZETTEER, out=None)
    graph = result.graph
    targets = [v for _, v, k in graph.edges(keys=True) if k == "related"]
    assert result.counts["edges"] == graph.number_of_edges()
    assert (result.counts["related_links"], result.counts["related_in_input"]) == (2, 1)
    assert len(targets) == 2 and result.counts["stub_articles"] == 1


def test_a_gazetteer_object_can_be_passed(test_gazetteer):
    result = kg.build([SEEDS], gazetteer=test_gazetteer, out=None)
    assert "sung-kim" in result.graph


def _many_articles(corpus: Path, copies: int = 40) -> Path:
    """`copies` copies of each seed, with URLs changed so that none is a duplicate."""
    corpus.mkdir()
    for i in range(copies):
        for seed in SEEDS.iterdir():
            text = seed.read_text(encoding="utf-8").replace("202101070375", f"2021010703{i:02d}")
            text = text.replace("story20210410-1138402", f"story20210410-11384{i:02d}").replace(
                "38092", f"3{i:04d}"
            )
            (corpus / f"{i:02d}-{seed.name}").write_text(text, encoding="utf-8")
    return corpus


def test_parallel_build_equals_serial_build(tmp_path):
    corpus = _many_articles(tmp_path / "many")
    serial = kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "serial", jobs=1)
    parallel = kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "parallel", jobs=2)
    assert serial.counts == parallel.counts
    for name in ("mentions.jsonl", "graph.ttl", "report.json"):
        assert (tmp_path / "serial" / name).read_bytes() == (
            tmp_path / "parallel" / name
        ).read_bytes()


def test_worker_processes_end_before_the_outputs_are_written(tmp_path, monkeypatch):
    corpus = _many_articles(tmp_path / "many")
    alive = []
    original = pipeline.write_html

    def write_html(*args, **kwargs):
        alive.extend(p.name for p in multiprocessing.active_children() if "Pool" in p.name)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "write_html", write_html)
    result = kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "out", jobs=2, cache=False)
    assert result.extracted == 120 and "html" in result.outputs
    assert alive == []


def test_what_a_build_froze_is_collectable_again_after_it(tmp_path):
    """Builds freeze their long-lived objects out of garbage collection (the matcher for the
    workers, the unpickled checkpoint); a program that builds again must not keep them."""
    corpus, out = _built_copy_of_seeds(tmp_path)
    (corpus / "more.md").write_text("---\ntitle: 台北\n---\n台北市長蔣萬安說。", encoding="utf-8")
    assert kg.build([corpus], gazetteer=GAZETTEER, out=out).resumed  # loaded a checkpoint
    assert gc.get_freeze_count() == 0


def _built_copy_of_seeds(tmp_path: Path, gazetteer=GAZETTEER) -> tuple[Path, Path]:
    """A copy of the seeds (to change) and the folder it was built into."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(SEEDS, corpus)
    kg.build([corpus], gazetteer=gazetteer, out=out)
    return corpus, out


def _disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device")


def test_a_build_that_fails_in_its_outputs_is_not_taken_for_an_earlier_one(tmp_path, monkeypatch):
    """Its outputs are half written: a later build of the earlier build's files and
    settings must build again, not find them up to date."""
    corpus, out = _built_copy_of_seeds(tmp_path)
    page = (out / "graph.html").read_bytes()

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "node_link_parts", _disk_full)
        with pytest.raises(OSError, match="No space"):
            kg.build([corpus], gazetteer=GAZETTEER, out=out, max_nodes=5)
    again = kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert not again.up_to_date and (out / "graph.html").read_bytes() == page


def test_a_cache_that_cannot_be_updated_fails_the_build_with_a_message(tmp_path, monkeypatch):
    corpus, out = _built_copy_of_seeds(tmp_path)

    def disk_io_error(self, jobs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(pipeline.Cache, "keep_only", disk_io_error)
    with pytest.raises(KgError, match=r"updating the cache failed: .*disk I/O error"):
        kg.build([corpus], gazetteer=GAZETTEER, out=out, max_nodes=5)
    monkeypatch.undo()
    assert not kg.build([corpus], gazetteer=GAZETTEER, out=out, max_nodes=5).up_to_date


class _CallLog:
    """The first arguments of a function's calls, kept in a file: a rebuild's worker process
    makes calls too, which a list in the test's process would not see."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def wrap(self, function):
        def logged(*args):
            with open(self.path, "a", encoding="utf-8") as file:
                file.write(f"{args[0]}\n")
            return function(*args)

        return logged

    def __call__(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []


def test_cache_reuses_unchanged_files_and_sees_changes(tmp_path, monkeypatch):
    corpus, out = _built_copy_of_seeds(tmp_path)
    calls = _CallLog(tmp_path / "extracted.txt")
    monkeypatch.setattr(pipeline, "process_file", calls.wrap(pipeline.process_file))
    kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert calls() == []
    changed = corpus / "002_eb23bffe5b9050c2.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("张惇涵", "蕭美琴"), encoding="utf-8"
    )
    result = kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert calls() == [str(changed)]
    assert "hsiao-bi-khim" in {m.entity_id for m in result.mentions}
    no_cache = kg.build([corpus], gazetteer=GAZETTEER, out=out, cache=False)
    assert len(calls()) == 4 and no_cache.counts == result.counts


def test_duplicate_articles_are_reported(tmp_path):
    corpus = tmp_path / "in"
    shutil.copytree(SEEDS, corpus)
    shutil.copy(SEEDS / "000_323ab91d2ebe280f.txt", corpus / "copy of 000.md")
    result = kg.build([corpus], gazetteer=GAZETTEER, out=None)
    assert result.counts["skipped"] == 1
    assert "duplicate: same URL as" in result.report["skipped"][0]["reason"]


def test_strict_raises_with_the_first_reason(tmp_path):
    corpus = tmp_path / "in"
    shutil.copytree(SEEDS, corpus)
    (corpus / "x.md").write_bytes(b"\x7fELF\x02\x01\x00\x00binary")
    with pytest.raises(
        kg.KgError, match=r"1 of 4 files skipped \(--strict\); first: .*x.md: binary file"
    ):
        kg.build([corpus], gazetteer=GAZETTEER, out=None, strict=True)
    kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "out")
    with pytest.raises(kg.KgError, match=r"1 of 4 files skipped \(--strict\)"):
        kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "out", strict=True)  # up to date


def test_load_gives_back_the_graph(seeds_build):
    graph = kg.load(seeds_build.outputs["graph"].parent)
    assert dict(graph.nodes(data=True)) == dict(seeds_build.graph.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(
        seeds_build.graph.edges(keys=True, data=True)
    )


def test_load_reads_graphml_too_and_says_what_is_wrong_with_a_broken_file(seeds_build, tmp_path):
    from kg.export.tables import write_graphml

    graphml = write_graphml(seeds_build.graph, tmp_path / "exported.graphml")
    assert kg.load(graphml).number_of_edges() == seeds_build.graph.number_of_edges()
    (tmp_path / "graph.json").write_text('{"nodes": [', encoding="utf-8")
    with pytest.raises(KgError, match="cannot read the graph in"):
        kg.load(tmp_path)
    with pytest.raises(KgError, match="run 'kg build' first"):
        kg.load(tmp_path / "missing")


@pytest.mark.corpus
@pytest.mark.parametrize("tarball", ["agora-2009.tar.gz", "hkcnews-1-20000.tar.gz"])
def test_shared_corpus_every_file_read_or_reported(corpus_dir, tarball, tmp_path):
    folder = corpus_dir(tarball)
    result = kg.build([folder], gazetteer=GAZETTEER, out=tmp_path / "out", max_nodes=200)
    counts = result.counts
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    assert counts["files"] == files == counts["articles"] + counts["skipped"]
    assert counts["articles"] > 0.95 * files
    assert counts["mentions"] > 10 * counts["articles"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(report["files"]) == files
    assert not any(isinstance(r, Skipped) for r in result.mentions)


def test_rebuild_with_nothing_changed_is_up_to_date(tmp_path):
    out = tmp_path / "out"
    first = kg.build([SEEDS], gazetteer=GAZETTEER, out=out)
    html = (out / "graph.html").stat().st_mtime_ns
    again = kg.build([SEEDS], gazetteer=GAZETTEER, out=out)
    assert again.up_to_date and not first.up_to_date
    assert (out / "graph.html").stat().st_mtime_ns == html
    assert again.counts == first.counts
    assert again.graph.number_of_nodes() == first.graph.number_of_nodes()
    assert len(again.mentions) == len(first.mentions)
    assert again.mentions[0] == first.mentions[0]
    other_view = kg.build([SEEDS], gazetteer=GAZETTEER, out=out, max_nodes=5)
    assert not other_view.up_to_date
    (out / "graph.ttl").unlink()
    assert not kg.build([SEEDS], gazetteer=GAZETTEER, out=out, max_nodes=5).up_to_date
    assert (out / "graph.ttl").exists()


def test_editing_the_gazetteer_folder_invalidates_what_it_changes(tmp_path):
    gazetteer = tmp_path / "gazetteer"
    shutil.copytree(GAZETTEER, gazetteer)
    out = tmp_path / "out"
    kg.build([SEEDS], gazetteer=gazetteer, out=out)
    people = gazetteer / "people" / "tw.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace(
            "name: 張惇涵", "name: 張惇涵\n  weak: [張惇涵]"
        ),
        encoding="utf-8",
    )
    result = kg.build([SEEDS], gazetteer=gazetteer, out=out)
    assert not result.up_to_date
    assert "chang-tun-han" not in {m.entity_id for m in result.mentions}
    assert (result.extracted, result.rechecked) == (2, 3)  # the two seeds that name him
    assert len(list((out / ".kg-cache").glob("matcher-*.pickle"))) == 1  # the older one is gone


def test_the_prepared_matcher_is_cached_and_a_damaged_copy_is_made_again(tmp_path, monkeypatch):
    corpus, out = _built_copy_of_seeds(tmp_path)
    [memo] = (out / ".kg-cache").glob("matcher-*.pickle")
    compiled = _CallLog(tmp_path / "compiled.txt")
    monkeypatch.setattr(pipeline.Matcher, "__init__", compiled.wrap(pipeline.Matcher.__init__))
    changed = corpus / "002_eb23bffe5b9050c2.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("张惇涵", "蕭美琴"), encoding="utf-8")
    second = kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert compiled() == []  # loaded, not compiled
    memo.write_bytes(b"not a pickle")
    changed.write_text(text, encoding="utf-8")
    third = kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert len(compiled()) == 1 and memo.read_bytes() != b"not a pickle"
    assert third.counts == kg.build([corpus], gazetteer=GAZETTEER, out=None).counts
    assert third.counts != second.counts


def test_a_damaged_copy_of_the_kept_gazetteer_is_taken_from_the_matcher(tmp_path):
    """A rebuild's worker starts before the parent loads anything, with the gazetteer and
    matcher that the cache kept each loaded where first used: a damaged gazetteer copy
    must not fail the worker or the parent."""
    corpus, out = _built_copy_of_seeds(tmp_path)
    [memo] = (out / ".kg-cache").glob("gazetteer-*.pickle")
    memo.write_bytes(b"not a pickle")
    changed = corpus / "002_eb23bffe5b9050c2.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n蕭美琴\n", encoding="utf-8")
    rebuilt = kg.build([corpus], gazetteer=GAZETTEER, out=out)
    assert rebuilt.extracted == 1 and "hsiao-bi-khim" in {m.entity_id for m in rebuilt.mentions}
    assert rebuilt.counts == kg.build([corpus], gazetteer=GAZETTEER, out=None).counts


def test_work_in_a_forked_process_returns_its_result_or_a_clear_error(tmp_path):
    from kg.pipeline import _Forked

    assert _Forked(lambda: {"rows": 3}).result() == {"rows": 3}
    with pytest.raises(KgError, match="ZeroDivisionError"):
        _Forked(lambda: 1 / 0).result()


def test_work_in_a_forked_process_can_be_cancelled_before_it_writes(tmp_path):
    import time

    from kg.export import write_atomic
    from kg.pipeline import _Forked

    def slow_write():
        time.sleep(2)
        return write_atomic(tmp_path / "late.txt", "too late")

    task = _Forked(slow_write)
    task.cancel()
    time.sleep(2.5)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_does_not_leave_the_rdf_writer_running(tmp_path, monkeypatch):
    import time

    original = pipeline._write_rdf_and_store

    def slow_rdf(*args, **kwargs):
        time.sleep(2)
        return original(*args, **kwargs)

    def broken_writer(*args):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "_write_rdf_and_store", slow_rdf)
    monkeypatch.setattr(pipeline, "node_link_parts", broken_writer)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        kg.build([SEEDS], gazetteer=GAZETTEER, out=out)
    time.sleep(2.5)
    assert not (out / "graph.ttl").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".graph.ttl")]


_OUTPUTS = ("graph.html", "graph.ttl", "graph.json", "mentions.jsonl", "articles.jsonl",
            "entities.csv", "edges.csv", "report.json")  # fmt: skip


def _assert_same_outputs(out, clean):
    for name in _OUTPUTS:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def _growing_archive(root: Path) -> tuple[Path, list[Path]]:
    """An archive of the test articles (bad files, a duplicate, links between articles) and
    the files to add after them: the seeds, and a second copy of an earlier article."""
    corpus = root / "in"
    shutil.copytree(DATA / "articles", corpus)
    later = [corpus / "seeds" / path.name for path in sorted(SEEDS.iterdir())]
    later.append(corpus / "zz-copies" / "article_38092.md")
    return corpus, later


def _add(files: list[Path]) -> None:
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        source = SEEDS / path.name if path.parent.name == "seeds" else None
        if source is None:
            source = DATA / "articles" / "hkcnews" / "articles" / "38001-39000" / path.name
        shutil.copy(source, path)


def test_files_added_after_the_last_build_resume_its_reduce_and_build_as_a_clean_build(
    tmp_path, test_gazetteer
):
    corpus, later = _growing_archive(tmp_path)
    out = tmp_path / "out"
    first = kg.build([corpus], gazetteer=test_gazetteer, out=out)
    state = (out / ".kg-cache" / "checkpoint.pickle").read_bytes()
    _add(later)
    result = kg.build([corpus], gazetteer=test_gazetteer, out=out)
    assert result.resumed == first.counts["files"] and result.extracted == len(later)
    # it kept the first build's state, and its files to replay after it: the next resume does
    assert (out / ".kg-cache" / "checkpoint.pickle").read_bytes() == state
    assert (out / ".kg-cache" / "checkpoint.since.pickle").exists()
    assert any("duplicate" in f.get("reason", "") for f in result.report["files"][-1:])
    kg.build([corpus], gazetteer=test_gazetteer, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")
    _add([corpus / "zz-copies" / "article_38097.md"])  # and again, from the resumed build
    again = kg.build([corpus], gazetteer=test_gazetteer, out=out)
    assert again.resumed == result.counts["files"] and again.extracted == 1
    kg.build([corpus], gazetteer=test_gazetteer, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")


def test_a_resumed_rebuild_copies_the_mention_edges_of_the_last_builds_tables(
    tmp_path, test_gazetteer, monkeypatch
):
    """graph.json and edges.csv hold the last build's mention edges as one block, which a
    resumed rebuild copies (and graph.json's unchanged co-mention edges); not from a file
    changed since (they would not be there)."""
    corpus, later = _growing_archive(tmp_path)
    out, clean = tmp_path / "out", tmp_path / "clean"
    kg.build([corpus], gazetteer=test_gazetteer, out=out)
    copied = []
    original = pipeline.MentionBlock.read.__func__

    def read(cls, path, *args):
        block = original(cls, path, *args)
        copied.append((Path(path).name, len(block.data)))
        return block

    monkeypatch.setattr(pipeline.MentionBlock, "read", classmethod(read))
    kept_co_mentions = []
    original_kept = pipeline._MentionBlocks.kept_co_mentions
    monkeypatch.setattr(
        pipeline._MentionBlocks,
        "kept_co_mentions",
        lambda self, output: (
            kept_co_mentions.append(original_kept(self, output)) or kept_co_mentions[-1]
        ),
    )
    _add(later[:2])
    assert kg.build([corpus], gazetteer=test_gazetteer, out=out).resumed
    assert sorted(name for name, _ in copied) == ["edges.csv", "graph.json"]
    assert all(size > 1000 for _, size in copied)
    [kept] = kept_co_mentions  # graph.json's co-mention edges, with what they hold
    assert kept is not None and kept.data.count(b'"co_mentioned"') == len(kept.arrays.pairs) > 5
    folder = shutil.copytree(out / ".kg-cache", tmp_path / "cache")
    cache = pipeline.Cache(folder, "another gazetteer", "code")
    cache.keep_only([])  # its clean-up of older memos runs while the outputs are written
    cache.close()
    assert (folder / "co_mentions.pickle").exists()
    kg.build([corpus], gazetteer=test_gazetteer, out=clean, cache=False)
    _assert_same_outputs(out, clean)

    copied.clear()
    graph_json = out / "graph.json"
    os.utime(graph_json, ns=(graph_json.stat().st_atime_ns, graph_json.stat().st_mtime_ns + 1))
    _add(later[2:])
    kept_co_mentions.clear()
    assert kg.build([corpus], gazetteer=test_gazetteer, out=out).resumed
    assert [name for name, _ in copied] == ["edges.csv"] and kept_co_mentions == [None]
    kg.build([corpus], gazetteer=test_gazetteer, out=clean, cache=False)
    _assert_same_outputs(out, clean)


def test_a_resumed_rebuild_writes_the_rdf_from_the_last_builds_triples(
    tmp_path, test_gazetteer, monkeypatch
):
    """Not generated again: the last build's sorted triples with the difference the new
    files make; the query store takes the same difference. Not when the store holds other
    triples (another RDF base)."""
    from kg.query import open_store

    from .test_query import _triples_of

    corpus, later = _growing_archive(tmp_path)
    out = tmp_path / "out"
    kg.build([corpus], gazetteer=test_gazetteer, out=out)
    _add(later)

    def regenerated(*args, **kwargs):
        raise AssertionError("every triple generated again")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "sorted_ntriples", regenerated)
        assert kg.build([corpus], gazetteer=test_gazetteer, out=out).resumed
    kg.build([corpus], gazetteer=test_gazetteer, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")
    turtle = out / "graph.ttl"
    assert set(open_store(turtle)) == _triples_of(turtle)

    _add([corpus / "zz-copies" / "article_38097.md"])
    base = "https://example.com/other/"
    result = kg.build([corpus], gazetteer=test_gazetteer, out=out, base=base)
    assert result.resumed
    kg.build([corpus], gazetteer=test_gazetteer, out=tmp_path / "clean", cache=False, base=base)
    _assert_same_outputs(out, tmp_path / "clean")
    assert set(open_store(turtle)) == _triples_of(turtle)


def test_a_resumed_rebuild_that_fails_before_its_reduce_ends_its_workers(
    tmp_path, test_gazetteer, monkeypatch
):
    corpus, out = _built_copy_of_seeds(tmp_path, test_gazetteer)
    seed = next(SEEDS.iterdir())
    for number in range(70):  # enough for worker processes
        (corpus / "zz").mkdir(exist_ok=True)
        shutil.copy(seed, corpus / "zz" / f"{number:02}.txt")

    monkeypatch.setattr(pipeline.shutil, "copyfile", _disk_full)
    with pytest.raises(OSError, match="No space"):
        kg.build([corpus], gazetteer=test_gazetteer, out=out, jobs=2)
    assert [p for p in multiprocessing.active_children() if "Pool" in p.name] == []
    assert not list(out.glob(".*.tmp"))


def _added_before_the_others(corpus: Path, out: Path) -> dict:
    shutil.copy(SEEDS / "000_323ab91d2ebe280f.txt", corpus / "000-first.txt")
    return {}


def _earlier_file_edited(corpus: Path, out: Path) -> dict:
    path = corpus / "hkcnews" / "articles" / "38001-39000" / "article_38092.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n立法會\n", encoding="utf-8")
    return {}


def _output_touched(corpus: Path, out: Path) -> dict:
    (out / "mentions.jsonl").write_bytes((out / "mentions.jsonl").read_bytes())
    return {}


def _checkpoint_damaged(corpus: Path, out: Path) -> dict:
    (out / ".kg-cache" / "checkpoint.pickle").write_bytes(b"not a pickle")
    return {}


def _checkpoint_state_damaged(corpus: Path, out: Path) -> dict:
    """The header is accepted (the outputs are then copied to be continued), the state not."""
    path = out / ".kg-cache" / "checkpoint.pickle"
    with open(path, "rb") as file:
        pickle.load(file)
        end_of_header = file.tell()
    path.write_bytes(path.read_bytes()[:end_of_header] + b"not the state")
    return {}


@pytest.mark.parametrize(
    "change",
    [
        _added_before_the_others,
        _earlier_file_edited,
        _output_touched,
        _checkpoint_damaged,
        _checkpoint_state_damaged,
        lambda corpus, out: {"min_co_mentions": 1},  # another setting of the reduce
    ],
)
def test_a_rebuild_that_cannot_resume_the_reduce_folds_every_file(tmp_path, test_gazetteer, change):
    corpus, later = _growing_archive(tmp_path)
    out = tmp_path / "out"
    kg.build([corpus], gazetteer=test_gazetteer, out=out)
    _add(later)
    settings = change(corpus, out)
    result = kg.build([corpus], gazetteer=test_gazetteer, out=out, **settings)
    assert result.resumed == 0 and not result.up_to_date
    kg.build([corpus], gazetteer=test_gazetteer, out=tmp_path / "clean", cache=False, **settings)
    _assert_same_outputs(out, tmp_path / "clean")


def test_a_rebuild_that_extracts_nothing_does_not_load_the_matcher(tmp_path, monkeypatch):
    corpus, out = _built_copy_of_seeds(tmp_path)
    loaded = _CallLog(tmp_path / "loaded.txt")  # by which process
    original = pipeline.Matcher.__setstate__
    monkeypatch.setattr(
        pipeline.Matcher,
        "__setstate__",
        lambda self, state: loaded.wrap(lambda pid: original(self, state))(os.getpid()),
    )
    other_view = kg.build([corpus], gazetteer=GAZETTEER, out=out, max_nodes=5)
    assert other_view.extracted == 0 and not other_view.up_to_date
    assert str(os.getpid()) not in loaded()  # a worker started early may have, till ended
    loaded.path.unlink(missing_ok=True)
    changed = corpus / "002_eb23bffe5b9050c2.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n蕭美琴\n", encoding="utf-8")
    assert kg.build([corpus], gazetteer=GAZETTEER, out=out).extracted == 1
    [pid] = loaded()  # once, by the worker that extracted the file
    assert pid != str(os.getpid())


@pytest.mark.corpus
def test_real_articles_added_at_the_end_are_extracted_by_workers_that_load_the_matcher(
    corpus_dir, tmp_path
):
    """The pool's path: 100 new files after 300, extracted in worker processes that each
    load the cached matcher, then folded into the resumed reduce."""
    archive = corpus_dir("hkcnews-1-20000.tar.gz")
    corpus = tmp_path / "in"
    paths = sorted(archive.rglob("*.md"))[:400]
    for path in paths:
        target = corpus / path.relative_to(archive)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    later = sorted(corpus.rglob("*.md"))[300:]
    kept = {path: path.read_bytes() for path in later}
    for path in later:
        path.unlink()
    out = tmp_path / "out"
    kg.build([corpus], gazetteer=GAZETTEER, out=out, jobs=2)
    for path, data in kept.items():
        path.write_bytes(data)
    result = kg.build([corpus], gazetteer=GAZETTEER, out=out, jobs=2)
    assert (result.resumed, result.extracted) == (300, 100)
    kg.build([corpus], gazetteer=GAZETTEER, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")


def _edit(gazetteer, entity_id, **changes):
    """The gazetteer with one entity changed (or, with no changes, removed)."""
    import dataclasses

    from kg.gazetteer import Gazetteer

    return Gazetteer(
        [dataclasses.replace(e, **changes) if e.id == entity_id else e
         for e in gazetteer if e.id != entity_id or changes],
        gazetteer.not_compounds,
    )  # fmt: skip


@pytest.mark.parametrize(
    "entity_id, changes, extracted",
    [
        ("kamala-harris", {"name": "賀錦麗副總統"}, 1),  # written in the lines of one seed
        ("ned-price", {}, 1),  # removed: named in one seed
        ("hkcnews", {"domains": ("hkcnews.com", "hkcnews.org")}, 0),  # no seed is from it
        ("country-tw", {"desc": "An island state", "qid": "Q865"}, 0),  # not read by extraction
    ],
)
def test_a_gazetteer_edit_re_extracts_what_it_affects_and_builds_what_a_clean_build_would(
    tmp_path, entity_id, changes, extracted
):
    from kg.gazetteer import load

    before = load(GAZETTEER)
    out = tmp_path / "out"
    kg.build([SEEDS], gazetteer=before, out=out)
    after = _edit(before, entity_id, **changes)
    result = kg.build([SEEDS], gazetteer=after, out=out)
    assert (result.extracted, result.rechecked) == (extracted, 3)
    kg.build([SEEDS], gazetteer=after, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")
    assert kg.build([SEEDS], gazetteer=after, out=out).up_to_date


@pytest.mark.corpus
def test_gazetteer_edits_on_real_articles_rebuild_as_a_clean_build_would(corpus_dir, tmp_path):
    """Several edits at once on 400 Citizen News articles: the records kept from the
    cache and those re-extracted give the outputs of a clean build."""
    from kg.gazetteer import Entity, load

    archive = corpus_dir("hkcnews-1-20000.tar.gz")
    corpus = tmp_path / "in"
    for path in sorted(archive.rglob("*.md"))[:400]:
        target = corpus / path.relative_to(archive)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    before = load(GAZETTEER)
    out = tmp_path / "out"
    first = kg.build([corpus], gazetteer=before, out=out)
    named = collections.Counter(m.entity_id for m in first.mentions)
    common = [e for e, _ in named.most_common(12)]
    after = _edit(before, common[3])  # removed
    after = _edit(after, common[5], weak=(after[common[5]].name,), context=("立法會",))
    after = _edit(after, common[7], type="institution")
    after = _edit(after, common[9], aliases=(*after[common[9]].aliases, "特區"))
    after.add(
        Entity(
            id="new-word",
            type="institution",
            name="國際金融中心",
            en="International Finance Centre",
        )
    )
    result = kg.build([corpus], gazetteer=after, out=out)
    assert 0 < result.extracted < 400 and result.rechecked == 400
    kg.build([corpus], gazetteer=after, out=tmp_path / "clean", cache=False)
    _assert_same_outputs(out, tmp_path / "clean")


def test_a_build_after_a_query_in_the_same_process_prepares_the_store(seeds_build, tmp_path):
    """`kg.query` opens an on-disk store, whose threads a forked process does not have: a
    build in the same session used to wait forever for its RDF process."""
    script = (
        "import sys, kg\n"
        "kg.query('ASK { ?s ?p ?o }', data=sys.argv[1])\n"
        "kg.build([sys.argv[2]], gazetteer=sys.argv[3], out=sys.argv[4])\n"
    )
    out = tmp_path / "out"
    ttl = str(seeds_build.outputs["rdf"])
    subprocess.run([sys.executable, "-c", script, ttl, str(SEEDS), str(GAZETTEER), str(out)],
                   check=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert list((out / ".kg-cache").glob("store-graph.ttl-*/complete"))
    assert kg.query("ASK { ?s ?p ?o }", data=out / "graph.ttl").boolean is True
