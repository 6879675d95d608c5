"""The `kg` command through its real entry point: exit codes, messages, outputs."""

from __future__ import annotations

import json
import shutil

import networkx as nx
import pytest

import kg
from kg.cli import SKIPPED_SHOWN

from .conftest import DATA, GAZETTEER, ROOT, SEEDS, run_kg


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-build")
    result = run_kg("build", str(SEEDS), "--out", str(out), "--gazetteer", str(GAZETTEER))
    return out, result


def test_build_writes_every_output(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    for name in ("graph.html", "graph.ttl", "graph.json", "mentions.jsonl", "articles.jsonl",
                 "entities.csv", "edges.csv", "report.json"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    assert "3 files: 3 articles read, 0 skipped" in result.stderr
    assert "3 files extracted, 0 from the cache" in result.stderr
    assert result.stdout == ""
    again = run_kg("build", str(SEEDS), "--out", str(out), "--gazetteer", str(GAZETTEER))
    assert "outputs up to date: nothing changed since the last build" in again.stderr


def test_a_rebuild_after_files_were_added_at_the_end_says_it_resumed(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for path in seeds[:2]:
        shutil.copy(path, corpus)
    build = ("build", str(corpus), "--out", str(tmp_path / "out"), "--gazetteer", str(GAZETTEER))
    run_kg(*build, check=True)
    shutil.copy(seeds[2], corpus)
    result = run_kg(*build)
    assert result.returncode == 0, result.stderr
    assert (
        "1 files extracted, 2 from the cache; the reduce resumed after the last build's 2"
        in result.stderr
    )


def test_mentions_have_the_documented_fields_and_exact_offsets(built):
    out, _ = built
    texts = {}
    for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts[row["id"]] = row["text"]
    rows = [
        json.loads(line)
        for line in (out / "mentions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert rows
    for row in rows:
        assert {
            "path",
            "article_id",
            "entity_id",
            "entity_name",
            "entity_type",
            "surface",
            "start",
            "end",
        } <= set(row)
        assert row["entity_type"] in ("person", "institution", "place")
        assert texts[row["article_id"]][row["start"] : row["end"]] == row["surface"]
    surfaces = {row["surface"] for row in rows}
    for name in ("蔡英文", "拜登", "賀錦麗", "張惇涵", "川普", "彭斯", "蕭美琴", "金成", "Sung Kim",
                 "普赖斯", "Ned Price", "總統府", "美國國務院", "美國國會", "外交部", "台灣", "美國"):  # fmt: skip
        assert name in surfaces, name
    ids = {row["entity_id"] for row in rows}
    assert {"sung-kim", "ned-price", "tw-mofa", "us-state-department"} <= ids


def test_same_input_same_bytes(built, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    run_kg("build", str(SEEDS), "--out", str(again), "--no-cache", "-q", check=True)
    for name in ("graph.html", "graph.ttl", "graph.json", "mentions.jsonl", "articles.jsonl",
                 "entities.csv", "edges.csv", "report.json"):  # fmt: skip
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_quiet_prints_nothing(tmp_path):
    result = run_kg("build", str(SEEDS), "--out", str(tmp_path), "--quiet")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_many_skipped_files_are_named_up_to_a_limit_and_all_reported(tmp_path):
    corpus = tmp_path / "in"
    shutil.copytree(SEEDS, corpus)
    for i in range(SKIPPED_SHOWN + 5):
        (corpus / f"plain-{i:02d}.md").write_text("no front matter here", encoding="utf-8")
    result = run_kg("build", str(corpus), "--out", str(tmp_path / "out"))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert result.returncode == 0 and len(warnings) == SKIPPED_SHOWN + 1
    assert "plain-00.md: no YAML front matter" in warnings[0]
    assert warnings[-1] == (
        f"warning: 5 more files skipped; {tmp_path / 'out' / 'report.json'} lists all "
        f"{SKIPPED_SHOWN + 5} with the reason"
    )
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(report["skipped"]) == SKIPPED_SHOWN + 5


def test_bad_files_are_reported_and_the_build_goes_on(tmp_path):
    corpus = tmp_path / "in"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    (corpus / "plain.md").write_text("no front matter here", encoding="utf-8")
    result = run_kg("build", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 0
    assert "warning: " in result.stderr and "broken.md: broken YAML front matter" in result.stderr
    assert "plain.md: no YAML front matter" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert (
        report["counts"]["files"] == 5 == report["counts"]["articles"] + report["counts"]["skipped"]
    )
    assert {s["path"].rsplit("/", 1)[-1] for s in report["skipped"]} == {"broken.md", "plain.md"}
    strict = run_kg("build", str(corpus), "--out", str(tmp_path / "strict"), "--strict", "-q")
    assert strict.returncode == 1 and "Error: 2 of 5 files skipped (--strict)" in strict.stderr


def test_missing_input_is_one_error_line(tmp_path):
    result = run_kg("build", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"Error: input {str(tmp_path / 'nowhere')!r} does not exist (give a folder or a file)"
    )


def test_missing_gazetteer_is_one_error_line(tmp_path):
    result = run_kg(
        "build", str(SEEDS), "--gazetteer", str(tmp_path / "g"), "--out", str(tmp_path / "o")
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: gazetteer") and "Traceback" not in result.stderr


def test_default_build_reads_seeds_into_output(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(GAZETTEER, tmp_path / "gazetteer")
    result = run_kg("build", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "graph.html").exists()


def test_focus_and_view_options(tmp_path):
    result = run_kg("build", str(SEEDS), "--out", str(tmp_path), "--focus", "蕭美琴", "-q")
    assert result.returncode == 0
    unknown = run_kg("build", str(SEEDS), "--out", str(tmp_path), "--focus", "無此人", "-q")
    assert unknown.returncode == 1 and "--focus '無此人': no entity" in unknown.stderr


def test_stats_and_export_on_a_build(built):
    out, _ = built
    stats = run_kg("stats", str(out))
    assert (
        stats.returncode == 0 and "most mentioned" in stats.stdout and "communities" in stats.stdout
    )
    exported = run_kg("export", str(out), "--to", "gexf", "--to", "graphml", "--to", "ntriples")
    assert exported.returncode == 0
    assert {p.rsplit("/", 1)[-1] for p in exported.stdout.split()} == {
        "graph.gexf",
        "graph.graphml",
        "graph.nt",
    }
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() == (
        kg.load(out).number_of_nodes()
    )


def test_every_command_has_help():
    from click import Group

    from kg.cli import cli

    def walk(group, prefix=()):
        for name, command in group.commands.items():
            assert command.help, f"kg {' '.join((*prefix, name))} has no help"
            if isinstance(command, Group):
                walk(command, (*prefix, name))

    walk(cli)
    assert run_kg("--help").returncode == 0


def test_module_and_script_are_the_same_program():
    assert run_kg("--version").stdout.strip() == "kg, version 0.1.0"
    assert (ROOT / "kg" / "__main__.py").exists() and DATA.exists()


def test_progress_bar_on_a_terminal_only(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(tmp_path), "--no-cache"],
        cwd=ROOT,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        timeout=300,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert (
        b"kg build" in seen and b"file" in seen
    )  # tqdm's bar: "kg build: 100%|...| 3/3 [..., file/s]"
    assert b"kg build: writing the outputs..." in seen  # stages after the bar are named
    assert b"\r\x1b[K3 files: 3 articles read" in seen  # and the line is cleared at the end
    piped = run_kg("build", str(SEEDS), "--out", str(tmp_path / "piped"), "--no-cache")
    assert "%|" not in piped.stderr


def test_build_after_a_gazetteer_edit_says_what_it_rechecked(tmp_path):
    gazetteer = tmp_path / "gazetteer"
    shutil.copytree(GAZETTEER, gazetteer)
    out = tmp_path / "out"
    args = ("build", str(SEEDS), "--out", str(out), "--gazetteer", str(gazetteer))
    assert run_kg(*args).returncode == 0
    (gazetteer / "zz-new.yaml").write_text(
        "- id: test-nobody\n  type: person\n  name: 無名氏甲\n  en: Nobody\n", encoding="utf-8"
    )
    result = run_kg(*args)
    assert result.returncode == 0, result.stderr
    assert "0 files extracted, 3 from the cache (3 checked against the gazetteer edit)" in (
        result.stderr
    )
