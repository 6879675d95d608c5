"""`build`: files in, graph and exports out — a parallel map, then a reduce.

map
    :func:`process_file` turns one file into an :class:`~kg.records.ArticleRecord` (read the
    article, find its mentions and publisher) or a :class:`~kg.records.Skipped` with the
    reason. It is a pure function of the file and the gazetteer, so it runs in worker
    processes and its results are cached by content.
reduce
    :class:`~kg.graph.GraphBuilder` folds the records, in input order, into one graph, while
    the mentions and articles tables stream to disk.

Examples
--------
>>> import kg
>>> result = kg.build(["seeds"], gazetteer="gazetteer", out=None)  # doctest: +SKIP
>>> result.counts["articles"]  # doctest: +SKIP
3
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import orjson

from kg import __version__
from kg import gazetteer as gazetteer_module
from kg.articles import discover_names, read_article
from kg.cache import Cache, Job, content_digest
from kg.errors import ArticleError, KgError
from kg.export import write_atomic
from kg.export.html import DEFAULT_MAX_NODES, write_html
from kg.export.rdf import (
    DEFAULT_BASE,
    SUFFIXES,
    ntriples_change,
    patch_ntriples,
    patch_turtle,
    serialize_ntriples,
    sorted_ntriples,
)
from kg.export.tables import (
    KeptCoMentions,
    MentionBlock,
    edges_csv_parts,
    generate_entities_csv,
    node_link_parts,
    read_node_link,
    record_lines,
)
from kg.extract import GazetteerChange, Matcher, extract
from kg.gazetteer import Gazetteer
from kg.graph import (
    CoMentionArrays,
    GraphBuilder,
    MentionStats,
    PendingEdges,
    Reopened,
    mention_stats,
)
from kg.query import kept_triples, prepare_store, stores_survive_fork
from kg.records import ArticleRecord, Mention, Skipped
from kg.workers import Deferred, Parallel, StartedWorker, resolved


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build can be told; the CLI turns its flags into one of these."""

    gazetteer: str | Path = "gazetteer"
    out: str | Path | None = "output"
    """Output folder; None builds in memory only."""
    jobs: int = 0
    """Worker processes; 0 means one per core."""
    strict: bool = False
    """Fail (raise) when any input file is skipped."""
    cache: bool = True
    """Reuse the records of unchanged files from ``<out>/.kg-cache``."""
    progress: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    view: str = "auto"
    focus: str | None = None
    base: str = DEFAULT_BASE
    rdf_format: str = "turtle"
    min_co_mentions: int = 2
    """Entity pairs become ``co_mentioned`` edges when named together in this many articles."""


class BuildResult:
    """What :func:`build` made: the graph, every mention, counts, and the report.

    When a build finds its outputs up to date it does no work; `graph` and `mentions` are
    then read back from the output folder the first time they are asked for.
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph | None,
        mentions: list[Mention] | None,
        counts: dict[str, int],
        report: dict,
        timings: dict[str, float] | None = None,
        outputs: dict[str, Path] | None = None,
        up_to_date: bool = False,
        pending: PendingEdges | None = None,
    ) -> None:
        self._graph = graph
        self._pending = pending
        """Edges the exports wrote but `graph` does not have yet."""
        self._mentions = mentions
        self.counts = counts
        self.report = report
        self.timings = timings or {}
        self.outputs = outputs or {}
        self.up_to_date = up_to_date
        self.extracted = 0
        """Files read and extracted; the others' records came from the cache."""
        self.rechecked = 0
        """Cached files checked against an edit of the gazetteer (and kept unless affected)."""
        self.resumed = 0
        """Files folded by the last build, whose reduce this one resumed (:class:`_Fold`)."""

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = load(self.outputs["graph"])
        if self._pending is not None:
            self._pending.add_to(self._graph)
            self._pending = None
        return self._graph

    @property
    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            with open(self.outputs["mentions"], encoding="utf-8") as lines:
                rows = (json.loads(line) for line in lines)
                self._mentions = [
                    Mention(
                        r["article_id"],
                        r["entity_id"],
                        r["surface"],
                        r["start"],
                        r["end"],
                        r["part"],
                    )
                    for r in rows
                ]
        return self._mentions


_REPORT_JSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
"""report.json is indented for reading; json.dumps indents in pure Python (0.2 s for an
archive's report), orjson in a few milliseconds."""

_OUTPUT_FILES = {
    "html": "graph.html",
    "graph": "graph.json",
    "entities_csv": "entities.csv",
    "edges_csv": "edges.csv",
    "report": "report.json",
    "mentions": "mentions.jsonl",
    "articles": "articles.jsonl",
}


def _output_paths(out_dir: Path) -> dict[str, Path]:
    """Where each output of :data:`_OUTPUT_FILES` goes in `out_dir` (the RDF file aside)."""
    return {name: out_dir / file for name, file in _OUTPUT_FILES.items()}


@functools.cache
def code_fingerprint() -> str:
    """kg's version and a hash of its source: cached records are only reused by the same code."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --- the map step -----------------------------------------------------------------------

Mapped = tuple[ArticleRecord, MentionStats, bytes, bytes] | Skipped
"""What the reduce gets of a file: the record without its text and sections (and without
its mentions when they go to mentions.jsonl), the mention statistics the graph keeps, and
its mentions.jsonl and articles.jsonl lines already serialised; or why it was skipped."""


def process_file(
    path: str | Path, root: str | Path, matcher: Matcher, publishers: dict[str, str]
) -> ArticleRecord | Skipped:
    """Read and extract one file: an article record, or the reason it was skipped."""
    try:
        article = read_article(path, root)
    except ArticleError as err:
        return Skipped(str(path), str(err))
    return extract(article, matcher, publishers)


def _map_one(
    job: tuple[str, str],
    matcher: Matcher,
    publishers: dict[str, str],
    gaz: Gazetteer,
    keep_mentions: bool,
    cached: bool,
) -> tuple[bytes, tuple[str, str] | None]:
    """One file, mapped and pickled: the bytes are sent to the parent and cached as they
    are; when `cached`, with the file's content digest, the cache key's costly part."""
    digest = content_digest(job[0]) if cached else None
    result = process_file(job[0], job[1], matcher, publishers)
    if isinstance(result, Skipped):
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), digest
    mention_lines, article_line = record_lines(result, gaz)
    slim = ArticleRecord(
        article=dataclasses.replace(result.article, text="", sections=()),
        mentions=result.mentions if keep_mentions else (),
        publisher_id=result.publisher_id,
    )
    mapped = (slim, mention_stats(result), mention_lines, article_line)
    return pickle.dumps(mapped, protocol=pickle.HIGHEST_PROTOCOL), digest


def _affected_one(job: tuple[str, str], cache: Cache, change: GazetteerChange) -> bool:
    """Can the gazetteer edit change this file's cached record? Answered from the record,
    whose articles.jsonl line holds the article's text: the file is not read again. (A
    file that could not be read stays skipped for the same reason.)"""
    mapped: Mapped = pickle.loads(cache.lookup(job))
    if isinstance(mapped, Skipped):
        return False
    record, _, _, article_line = mapped
    text = orjson.loads(article_line)["text"]
    return change.affects(dataclasses.replace(record.article, text=text))


def _recheck(files, todo, stale, cache: Cache, matcher: Matcher, workers: int) -> list:
    """The files to extract: those not cached, and those whose record an edit of the
    gazetteer can change. The others' records are kept and marked current."""
    redo = set(todo)
    for old_gazetteer, jobs in stale.items():
        old = cache.recall("matcher", old_gazetteer)
        change = GazetteerChange.between(old, matcher) if isinstance(old, Matcher) else None
        if change is None or change.everything:
            redo.update(jobs)
            continue
        hits: Iterable[bool] = (
            [] if change.nothing else Parallel(_affected_one, jobs, workers, cache, change)
        )
        affected = {job for job, hit in zip(jobs, hits) if hit}
        redo.update(affected)
        cache.refresh(job for job in jobs if job not in affected)
    return [job for job in files if job in redo]


class _Extraction(NamedTuple):
    """What extracting a file needs besides the file (:func:`_map_one`): each item may be
    :class:`Deferred`, and is then loaded where it is first used."""

    matcher: Matcher | Deferred
    publishers: dict[str, str] | Deferred
    gazetteer: Gazetteer | Deferred


def _kept_extraction(
    cache: Cache, gazetteer: str | Path | Gazetteer, opts: BuildOptions
) -> _Extraction | None:
    """The matcher, gazetteer and publisher index that the cache kept, each only
    :class:`Deferred`: a build that extracts a few files loads the matcher in its workers,
    one that extracts none never loads it, and a rebuild's first worker starts before the
    parent has loaded anything (:class:`StartedWorker`). None if the cache lacks them."""
    if not (cache.has_memo("gazetteer") and cache.has_memo("matcher")):
        return None
    matcher = Deferred(lambda: cache.memo("matcher", _matcher_maker(gazetteer, opts)))

    def kept_gazetteer() -> Gazetteer:
        kept = None if matcher.made else cache.recall("gazetteer", cache.gazetteer)
        return kept if isinstance(kept, Gazetteer) else matcher.get().gazetteer

    gaz = Deferred(kept_gazetteer)
    return _Extraction(matcher, Deferred(lambda: gaz.get().publisher_index()), gaz)


def _prepared_extraction(
    cache: Cache, gazetteer: str | Path | Gazetteer, opts: BuildOptions
) -> _Extraction:
    """The prepared matcher (kept in the cache for later builds), its gazetteer and their
    publisher index: deferred when the cache has them (:func:`_kept_extraction`)."""
    kept = _kept_extraction(cache, gazetteer, opts)
    if kept is not None:
        return kept
    prepared = cache.memo("matcher", _matcher_maker(gazetteer, opts))
    cache.memo("gazetteer", lambda: prepared.gazetteer)
    return _Extraction(prepared, prepared.gazetteer.publisher_index(), prepared.gazetteer)


def _matcher_maker(gazetteer: str | Path | Gazetteer, opts: BuildOptions) -> Callable[[], Matcher]:
    def make() -> Matcher:
        if not isinstance(gazetteer, Gazetteer):
            return Matcher(gazetteer_module.load(opts.gazetteer)).prepare()
        return Matcher(gazetteer).prepare()

    return make


# --- the reduce step --------------------------------------------------------------------


@dataclass
class _Fold:
    """The reduce's state after the first `files` input files. A build keeps it in the
    cache (with the graph finished: see :meth:`GraphBuilder.reopen`), so that the next one,
    when it only adds files after those (an archive that grows at its end), folds only the
    new files (:func:`_resume`)."""

    builder: GraphBuilder
    report_files: list[dict] = dataclasses.field(default_factory=list)
    seen_urls: dict[str, str] = dataclasses.field(default_factory=dict)
    mention_count: int = 0
    files: int = 0
    manifest: str = ""
    """The cache's manifest of those files: with the RDF base, it names the triples that
    build's query store holds (:class:`_RdfChange`)."""

    def add(self, mapped: Mapped) -> ArticleRecord | None:
        """Fold in one file's result: its record, or None when it is skipped (the report
        says why: unreadable, or the same URL as an earlier file)."""
        if isinstance(mapped, Skipped):
            self.report_files.append(
                {"path": mapped.path, "status": "skipped", "reason": mapped.reason}
            )
            return None
        record, stats, _, _ = mapped
        article = record.article
        if article.url and article.url in self.seen_urls:
            reason = f"duplicate: same URL as {self.seen_urls[article.url]} ({article.url})"
            self.report_files.append({"path": article.path, "status": "skipped", "reason": reason})
            return None
        if article.url:
            self.seen_urls[article.url] = article.path
        self.builder.add(record, stats)
        article_mentions = sum(stat[1] for stat in stats)
        self.mention_count += article_mentions
        self.report_files.append({
            "path": article.path,
            "status": "read",
            "article_id": article.id,
            "publisher": record.publisher_id,
            "mentions": article_mentions,
        })  # fmt: skip
        return record


_REPLAYED_AT_MOST = 1000
"""A resumed build keeps its reduce's state as the last full state plus its files while
they are at most this many, or a tenth of the full state's (:meth:`Cache.extend_checkpoint
<kg.cache.Cache.extend_checkpoint>`): the next build replays them from the cache."""


def _resume(
    cache: Cache, files: Sequence[Job], todo: Sequence[Job],
    outputs: dict[str, _StreamedLines], fold_settings: str, gaz: Gazetteer,
) -> tuple[_Fold, int] | None:  # fmt: skip
    """The last build's reduce state, if this build's files begin with exactly that build's
    files (same paths, same content, same code, gazetteer and settings), none of which is to
    be extracted again, and its mentions.jsonl and articles.jsonl are as it left them. Those
    `outputs` then continue the existing files (copied while the state loads). Also returns
    how many files the kept state itself holds: the others were replayed from the cache."""
    redo = set(todo)

    def accept(header: dict) -> bool:
        done = files[: header["files"]]
        stamps = header["outputs"]
        accepted = (
            len(done) == header["files"]
            and not any(job in redo for job in done)
            and all(
                output.path is not None and _stamp(output.path) == tuple(stamps[name])
                for name, output in outputs.items()
            )
            and cache.manifest(done, fold_settings) == header["manifest"]
        )
        if accepted:
            for output in outputs.values():
                output.continue_existing()
        return accepted

    loaded = cache.load_checkpoint(accept)
    if loaded is None:  # if accepted, the state itself could not be loaded: drop the copies
        for output in outputs.values():
            output.start_over()
        return None
    header, fold = loaded
    fold.builder.gazetteer = gaz
    kept_files = fold.files
    if header["files"] > kept_files:  # folded by the builds since: as the last one left it
        with fold.builder.reopened():
            for job in files[kept_files : header["files"]]:
                fold.add(pickle.loads(cache.lookup(job)))
        fold.files, fold.manifest = header["files"], header["manifest"]
    return fold, kept_files


def _stamp(path: Path) -> tuple[int, int]:
    """Size and modification time: enough to tell that an output is as a build left it (a
    copy that keeps the time, as ``cp -p`` and ``shutil.copytree`` do, counts as the same)."""
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


class _StreamedLines:
    """A JSON-lines file written as records arrive, renamed into place on success. A
    resumed reduce's starts as a copy of the file already there (:meth:`continue_existing`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._tmp = None
        self._copying: _InThread | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp_path = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            self._tmp = open(self._tmp_path, "wb", buffering=1 << 20)  # noqa: SIM115

    def continue_existing(self) -> None:
        """Start from a copy of the file there, made in a thread while the caller goes on:
        the kernel copies (the GIL is free), and the first write waits for it."""
        if self._tmp is None or self.path is None:
            return
        self._tmp.close()
        self._copying = _InThread(functools.partial(shutil.copyfile, self.path, self._tmp_path))

    def _copied(self) -> None:
        if self._copying is not None:
            copying, self._copying = self._copying, None
            self._tmp = open(self._tmp_path, "ab", buffering=1 << 20)  # noqa: SIM115
            copying.result()

    def start_over(self) -> None:
        """Drop what is written (a copy too): the file starts empty again."""
        with contextlib.suppress(OSError):
            self._copied()
        if self._tmp is not None:
            self._tmp.seek(0)
            self._tmp.truncate()

    def write(self, lines: bytes) -> None:
        self._copied()
        if self._tmp is not None:
            self._tmp.write(lines)

    def close(self) -> tuple[int, int]:
        """Stop writing (:meth:`commit` still renames): the file's :func:`_stamp`."""
        self._copied()
        if self._tmp is None:
            return (-1, -1)
        self._tmp.close()
        return _stamp(self._tmp_path)

    def commit(self) -> None:
        self._copied()
        if self._tmp is not None and self.path is not None:
            self._tmp.close()
            os.replace(self._tmp_path, self.path)

    def discard(self) -> None:
        if self._copying is not None:
            self._copying.wait()
            self._copying = None
        elif self._tmp is not None:
            self._tmp.close()
        if self.path is not None:
            self._tmp_path.unlink(missing_ok=True)


def _stage(name: str, enabled: bool) -> None:
    """Name the stage under way on the terminal's last line ('' clears it)."""
    if enabled:
        sys.stderr.write(f"\rkg build: {name}...\x1b[K" if name else "\r\x1b[K")
        sys.stderr.flush()


def _progress(items: Iterable, total: int, enabled: bool) -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit="file", desc="kg build", file=sys.stderr, leave=False)


_FROM_OPTIONS: Any = object()


def build(
    inputs: Sequence[str | Path] = ("seeds",),
    gazetteer: str | Path | Gazetteer = _FROM_OPTIONS,
    out: str | Path | None = _FROM_OPTIONS,
    options: BuildOptions | None = None,
    **overrides,
) -> BuildResult:
    """Build the knowledge graph of the articles under `inputs`.

    Every input file ends up either in the graph or in ``report["files"]`` with the reason
    it was skipped. With `out`, writes graph.html, graph.ttl, graph.json, mentions.jsonl,
    articles.jsonl, entities.csv, edges.csv and report.json there (atomically); nothing is
    printed. `gazetteer` and `out` default to those of `options` (``gazetteer/`` and
    ``output/``); keyword `overrides` set any other field of :class:`BuildOptions`. Raises :class:`~kg.errors.KgError` for unusable arguments, and with
    ``strict=True`` when any file was skipped.
    """
    fields = {**(options or BuildOptions()).__dict__, **overrides}
    if out is not _FROM_OPTIONS:
        fields["out"] = out
    if gazetteer is not _FROM_OPTIONS and not isinstance(gazetteer, Gazetteer):
        fields["gazetteer"] = gazetteer
    opts = BuildOptions(**fields)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    files = list(discover_names(inputs))
    if not files:
        raise KgError(f"no files found under {', '.join(map(str, inputs))}")
    timings["discover"] = time.perf_counter() - clock

    out_dir = Path(opts.out) if opts.out is not None else None
    cache = Cache(
        out_dir / ".kg-cache" if out_dir and opts.cache else None,
        gazetteer.fingerprint()
        if isinstance(gazetteer, Gazetteer)
        else gazetteer_module.source_fingerprint(opts.gazetteer),
        code_fingerprint(),
    )
    try:
        return _build(inputs, gazetteer, opts, files, out_dir, cache, timings)
    finally:
        cache.close()
        gc.unfreeze()  # what the build froze (the matcher, the checkpoint) is collectable again
        _stage("", opts.progress)


def _build(
    inputs, gazetteer, opts: BuildOptions, files, out_dir, cache: Cache, timings
) -> BuildResult:
    settings = repr((sorted(inputs, key=str), opts.max_nodes, opts.view, opts.focus, opts.base,
                     opts.rdf_format, opts.min_co_mentions))  # fmt: skip
    last_build = cache.last_build()  # hash the files up front only when it can spare a build
    rebuild = out_dir is not None and bool(last_build)
    workers = opts.jobs or os.cpu_count() or 1
    started = extraction = None
    try:
        if rebuild and workers > 1:
            extraction = _kept_extraction(cache, gazetteer, opts)
        if extraction is not None:  # nothing loaded yet: the worker loads the matcher
            started = StartedWorker(_map_one, *extraction, False, False)
        if rebuild and cache.manifest(files, settings) == last_build:
            up_to_date = _up_to_date(out_dir, opts, timings)
            if up_to_date is not None:
                return up_to_date
        _stage("loading the gazetteer", opts.progress)
        clock = time.perf_counter()
        extraction = extraction or _prepared_extraction(cache, gazetteer, opts)
        gaz = resolved(extraction.gazetteer)  # the parent's own: the reduce needs it
        timings["gazetteer"] = time.perf_counter() - clock
        return _extract_and_reduce(inputs, opts, files, out_dir, cache, timings, settings,
                                   extraction, gaz, workers, started)  # fmt: skip
    finally:
        if started is not None:
            started.close()


def _extract_and_reduce(
    inputs, opts: BuildOptions, files, out_dir, cache: Cache, timings, settings: str,
    extraction: _Extraction, gaz: Gazetteer, workers: int, started: StartedWorker | None,
) -> BuildResult:  # fmt: skip
    clock = time.perf_counter()
    todo = cache.missing(files)
    stale = cache.stale(files)
    if stale:
        _stage("checking what the gazetteer edit changes", opts.progress)
        todo = _recheck(files, todo, stale, cache, resolved(extraction.matcher), workers)
        timings["recheck"] = time.perf_counter() - clock
    rechecked = sum(map(len, stale.values()))

    clock = time.perf_counter()
    fresh = Parallel(_map_one, todo, workers, *extraction, out_dir is None,
                      cache.needs_digests(todo), started=started)  # fmt: skip
    mentions: list[Mention] = []
    paths = _output_paths(out_dir) if out_dir is not None else {}
    fold_settings = repr(opts.min_co_mentions)
    mentions_out = articles_out = _StreamedLines(None)
    try:  # the workers extract meanwhile
        mentions_out = _StreamedLines(paths.get("mentions"))
        articles_out = _StreamedLines(paths.get("articles"))
        streams = {"mentions": mentions_out, "articles": articles_out}
        loaded = (
            _resume(cache, files, todo, streams, fold_settings, gaz)
            if out_dir is not None
            else None
        )
        resumed = loaded is not None
        rdf_change = None
        if loaded is None:
            fold, kept_files = _Fold(GraphBuilder(gaz, opts.min_co_mentions)), 0
        else:  # the checkpoint is kept after the graph is finished
            fold, kept_files = loaded
            rdf_change = _RdfChange(f"{fold.manifest} {opts.base}", fold.builder.reopen())
        builder = fold.builder
        remaining = files[fold.files :]
        results = cache.merge(remaining, todo, fresh)
        for blob in _progress(results, len(remaining), opts.progress):
            mapped: Mapped = pickle.loads(blob)
            record = fold.add(mapped)
            if record is not None and not isinstance(mapped, Skipped):  # (the same: for mypy)
                mentions.extend(record.mentions)  # none with an output folder: read on demand
                mentions_out.write(mapped[2])
                articles_out.write(mapped[3])
        stamps = {"mentions": mentions_out.close(), "articles": articles_out.close()}
    except BaseException:
        mentions_out.discard()
        articles_out.discard()
        raise
    finally:
        fresh.close()  # after an error too, the workers end now, not with its traceback
    fold.files = len(files)
    keep_checkpoint: Callable[[], dict[str, float]] = dict
    rdf_label = ""
    if out_dir is not None and cache.folder is not None:
        fold.manifest = cache.manifest(files, fold_settings)
        rdf_label = f"{fold.manifest} {opts.base}"
        header = {
            "files": len(files),
            "manifest": fold.manifest,
            "outputs": stamps,
        }
        if resumed and len(files) - kept_files <= max(_REPLAYED_AT_MOST, kept_files // 10):
            keep = functools.partial(cache.extend_checkpoint, header)
        else:
            keep = functools.partial(cache.save_checkpoint, header, fold)
        keep_checkpoint = _timed("checkpoint", keep)
    timings["read_and_extract"] = time.perf_counter() - clock

    _stage("assembling the graph", opts.progress)
    clock = time.perf_counter()
    graph = builder.finish(complete=False)  # the edges stay in builder.pending: see PendingEdges
    pending = builder.pending
    write_rdf: Callable[[], tuple[Path, dict[str, float], Any]]
    write_rdf = functools.partial(_write_rdf_and_store, graph, pending, out_dir, opts,
                                  stores_survive_fork(), rdf_label, rdf_change)  # fmt: skip
    page_forked = resumed and out_dir is not None
    if page_forked:  # the RDF is patched: its process has time for the page and checkpoint too
        builder.count_co_mentions()  # which the page shows
        write_rdf = _then(write_rdf, functools.partial(_write_page, graph, pending, out_dir, opts))
        write_rdf, keep_checkpoint = _then(write_rdf, keep_checkpoint), dict
    rdf = kept = None
    if out_dir is not None:
        cache.mark_built(None)  # the outputs change from here
        rdf = _Forked(write_rdf)  # no co-mention edges in the RDF: written while they are counted
        kept = _InThread(functools.partial(cache.keep_only, files))  # after the fork
    try:
        builder.count_co_mentions()
        timings["assemble"] = time.perf_counter() - clock
        report = _report(inputs, files, gaz, graph, fold.report_files, fold.mention_count)
        report["counts"]["edges"] += len(pending)
        result = BuildResult(
            graph=graph,
            mentions=mentions if out_dir is None else None,
            counts=report["counts"],
            report=report,
            timings=timings,
            pending=pending,
        )
        result.extracted, result.rechecked = len(todo), rechecked
        result.resumed = len(files) - len(remaining)
        if out_dir is not None and rdf is not None and kept is not None:
            _stage("writing the outputs", opts.progress)
            clock = time.perf_counter()
            mentions_out.commit()
            articles_out.commit()
            since = rdf_change.since if rdf_change is not None else None
            blocks = _MentionBlocks(cache.folder, rdf_label, since)
            result.outputs = _write_outputs(graph, pending, report, out_dir, opts, timings, rdf,
                                            blocks, page_forked, meanwhile=keep_checkpoint)  # fmt: skip
            result.outputs.update(mentions=paths["mentions"], articles=paths["articles"])
            timings["export"] = time.perf_counter() - clock
            try:
                kept.result()
            except Exception as err:
                raise KgError(f"updating the cache failed: {err!r}") from err
            cache.mark_built(cache.manifest(files, settings))
            write_atomic(
                out_dir / "timings.json", json.dumps(timings, indent=1, sort_keys=True) + "\n"
            )
    except BaseException:
        if rdf is not None:
            rdf.cancel()  # a failed build must not write graph.ttl after the error
        raise
    finally:
        if kept is not None:
            kept.wait()  # the cache closes after this: not under the commit
    _raise_if_strict(report, opts)
    return result


def _raise_if_strict(report: dict, opts: BuildOptions) -> None:
    """With ``strict``, a build that skipped any file fails, naming the first."""
    skipped = report["skipped"]
    if opts.strict and skipped:
        first = skipped[0]
        raise KgError(
            f"{len(skipped)} of {report['counts']['files']} files skipped (--strict); "
            f"first: {first['path']}: {first['reason']}"
        )


def _report(inputs, files, gaz: Gazetteer, graph: nx.MultiDiGraph, report_files: list[dict],
            mention_count: int) -> dict:  # fmt: skip
    """report.json: the counts, and every input file with its fate."""
    skipped = [f for f in report_files if f["status"] == "skipped"]
    edges = related = related_in_input = 0
    for _, neighbours in graph.adjacency():  # one pass: networkx counts edges per node
        for target, keys in neighbours.items():
            edges += len(keys)
            if "related" in keys:
                related += 1
                related_in_input += not graph.nodes[target].get("stub")
    counts = {
        "files": len(files),
        "articles": len(report_files) - len(skipped),
        "skipped": len(skipped),
        "mentions": mention_count,
        "entities": sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "entity"),
        "nodes": graph.number_of_nodes(),
        "edges": edges,
        "related_links": related,
        "related_in_input": related_in_input,
        "stub_articles": sum(1 for _, d in graph.nodes(data=True) if d.get("stub")),
    }
    return {
        "kg_version": __version__,
        "inputs": [str(i) for i in inputs],
        "gazetteer": {"entities": len(gaz), "fingerprint": gaz.fingerprint()},
        "counts": counts,
        "skipped": [{"path": f["path"], "reason": f["reason"]} for f in skipped],
        "files": report_files,
    }


def _up_to_date(out_dir: Path, opts: BuildOptions, timings: dict) -> BuildResult | None:
    """The last build's result when every output of it is still in place, else None."""
    outputs = _output_paths(out_dir)
    outputs["rdf"] = out_dir / f"graph.{SUFFIXES[opts.rdf_format]}"
    if not all(path.exists() for path in outputs.values()):
        return None
    report = json.loads(outputs["report"].read_text(encoding="utf-8"))
    _raise_if_strict(report, opts)
    return BuildResult(None, None, report["counts"], report, timings, outputs, up_to_date=True)


@dataclass(frozen=True)
class _RdfChange:
    """What a resumed reduce changed since the build whose triples the query store holds
    (named `since` there): the RDF is that build's triples with the difference."""

    since: str
    reopened: Reopened


def _write_rdf_and_store(
    graph: nx.MultiDiGraph,
    pending: PendingEdges,
    out_dir: Path,
    opts: BuildOptions,
    with_store: bool = True,
    label: str = "",
    change: _RdfChange | None = None,
) -> tuple[Path, dict[str, float], tuple | None]:
    """Write the RDF file (of `graph` and the `pending` mentions) and prepare its query
    store, whose triples it names `label`; without `with_store`, return the arguments for
    the caller to prepare the store. With `change`, the triples are the last build's with
    the difference, when the store still holds that build's."""
    times = {}
    stage = time.perf_counter()
    path = out_dir / f"graph.{SUFFIXES[opts.rdf_format]}"
    kept = kept_triples(path, change.since) if change is not None else None
    difference = None
    if change is not None and kept is not None:
        removed, added = ntriples_change(graph, pending, change.reopened, opts.base)
        ntriples = patch_ntriples(kept[1], removed, added)
        difference = (kept[0], removed, added)
        if opts.rdf_format == "turtle":  # the file holds the kept triples: patched too
            subjects = {line[: line.index(b" ")] for line in removed | added}
            rdf = patch_turtle(path.read_bytes(), ntriples, subjects, opts.base)
        else:
            rdf = serialize_ntriples(ntriples, opts.rdf_format, opts.base)
    else:
        ntriples = sorted_ntriples(graph, opts.base, pending)
        rdf = serialize_ntriples(ntriples, opts.rdf_format, opts.base)
    path = write_atomic(path, rdf)
    times["export_rdf"] = time.perf_counter() - stage
    if opts.rdf_format == "jsonld":
        return path, times, None
    if not with_store:
        return path, times, (ntriples, label, difference)
    stage = time.perf_counter()
    prepare_store(path, ntriples, label, difference)  # the first `kg query` opens it ready
    times["query_store"] = time.perf_counter() - stage
    return path, times, None


def _write_page(graph, pending, out_dir: Path, opts: BuildOptions) -> dict[str, float]:
    stage = time.perf_counter()
    write_html(graph, _output_paths(out_dir)["html"], max_nodes=opts.max_nodes, view=opts.view,
               focus=opts.focus, pending=pending)  # fmt: skip
    return {"export_html": time.perf_counter() - stage}


def _write_outputs(
    graph, pending, report, out_dir: Path, opts: BuildOptions, timings: dict, rdf: _Forked,
    blocks: _MentionBlocks, page_forked: bool = False,
    meanwhile: Callable[[], dict[str, float]] = dict,
) -> dict[str, Path]:  # fmt: skip
    """Write every output, with the `pending` edges that `graph` does not hold; `rdf` is the
    forked process writing the RDF file and its query store meanwhile (a third process would
    only contend for two cores), and the page and checkpoint too when `page_forked`;
    `meanwhile` (which returns its timings) runs before waiting for it."""
    files = _output_paths(out_dir)
    outputs = {"html": files["html"]}
    if not page_forked:
        timings.update(_write_page(graph, pending, out_dir, opts))
    stage = time.perf_counter()
    parts = node_link_parts(graph, pending, blocks.kept(files["graph"]),
                            blocks.kept_co_mentions(files["graph"]))  # fmt: skip
    outputs["graph"] = blocks.write(files["graph"], parts, len(pending.mentions),
                                    pending.co_mention_arrays)  # fmt: skip
    outputs["entities_csv"] = write_atomic(files["entities_csv"], generate_entities_csv(graph))
    parts = edges_csv_parts(graph, pending, blocks.kept(files["edges_csv"]))
    outputs["edges_csv"] = blocks.write(files["edges_csv"], parts, len(pending.mentions))
    blocks.save()
    outputs["report"] = write_atomic(files["report"], orjson.dumps(report, option=_REPORT_JSON))
    timings["export_tables"] = time.perf_counter() - stage
    timings.update(meanwhile())
    outputs["rdf"], rdf_timings, store = rdf.result()
    timings.update(rdf_timings)
    if store is not None:  # the forked process could not open a store: see stores_survive_fork
        stage = time.perf_counter()
        prepare_store(outputs["rdf"], *store)
        timings["query_store"] = time.perf_counter() - stage
    return outputs


class _MentionBlocks:
    """Where graph.json and edges.csv hold their mention edges (and graph.json its
    co-mention edges, with the arrays that describe them), noted in the cache folder, so
    that a rebuild that resumes this build's reduce copies them from the files
    (:class:`~kg.export.tables.MentionBlock`, :class:`~kg.export.tables.KeptCoMentions`)
    when they are as this build left them."""

    def __init__(self, folder: Path | None, label: str, since: str | None) -> None:
        self._path = folder / "mention-blocks.json" if folder is not None and label else None
        self._arrays_path = folder / "co_mentions.pickle" if folder is not None else None
        self._label = label  # this build's files and settings: see _RdfChange
        self._since = since  # those of the build whose reduce this one resumed
        self._found: dict = {}
        self._written: dict = {}
        self._arrays: CoMentionArrays | None = None
        if self._path is not None and since is not None:
            with contextlib.suppress(OSError, ValueError):
                self._found = orjson.loads(self._path.read_bytes())

    def _entry(self, output: Path) -> dict | None:
        entry = self._found.get(output.name)  # the label names the fold, so its articles too
        if not entry or entry["label"] != self._since or entry["stamp"] != list(_stamp(output)):
            return None
        return entry

    def kept(self, output: Path) -> MentionBlock | None:
        """The last build's mention block of `output`, if this build resumed its reduce and
        the file is as it left it; else None."""
        entry = self._entry(output)
        if entry is None:
            return None
        try:
            return MentionBlock.read(output, entry["start"], entry["end"], entry["articles"])
        except OSError:
            return None

    def kept_co_mentions(self, output: Path) -> KeptCoMentions | None:
        """The last build's co-mention edges of `output` (graph.json), as for :meth:`kept`."""
        entry = self._entry(output)
        if entry is None or "co_start" not in entry or self._arrays_path is None:
            return None
        try:
            with open(self._arrays_path, "rb") as file:
                label, arrays = pickle.load(file)
            with open(output, "rb") as file:
                file.seek(entry["co_start"])
                data = file.read(entry["co_end"] - entry["co_start"])
        except Exception:  # missing or damaged: the co-mentions are written afresh
            return None
        return KeptCoMentions(data, arrays) if label == self._since and arrays else None

    def write(
        self,
        output: Path,
        parts: tuple[bytes, bytes, bytes],
        articles: int,
        co_mentions: CoMentionArrays | None = None,
    ) -> Path:
        """Write `parts` (before, mention block, after) to `output`, noting the block; with
        `co_mentions`, the co-mention edges that `after` begins with too (after a comma)."""
        path = write_atomic(output, parts)
        before, block, after = parts
        start = len(before)
        entry = {"label": self._label, "articles": articles, "start": start,
                 "end": start + len(block), "stamp": list(_stamp(path))}  # fmt: skip
        if co_mentions is not None:
            entry["co_start"] = start + len(block) + after.startswith(b",")
            entry["co_end"] = start + len(block) + len(after) - len(b"]}\n")
            self._arrays = co_mentions
        self._written[output.name] = entry
        return path

    def save(self) -> None:
        if self._path is None or self._arrays_path is None:
            return
        if self._arrays is None:
            self._arrays_path.unlink(missing_ok=True)
        else:
            data = pickle.dumps((self._label, self._arrays), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomic(self._arrays_path, data)
        write_atomic(self._path, orjson.dumps(self._written))


class _InThread:
    """A task that mostly waits on the disk (a file copy, a database commit), in a thread
    while this process goes on. None may be running when the process forks: a forked
    process gets no copy of a running thread, nor of the locks it holds."""

    def __init__(self, task: Callable[[], Any]) -> None:
        self._value: Any = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = task()
            except BaseException as err:  # raised in the caller's thread by result()
                self._error = err

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        """Wait for the task: its value, or the error it raised."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value


class _Forked:
    """A task running in a forked process: it sees this process's memory as it was at the
    fork, so nothing is pickled on the way in. Without fork, the task runs here, at once."""

    def __init__(self, task: Callable[[], Any]) -> None:
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._outcome = _outcome_of(task)
            return
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)

        def run() -> None:
            # SIGTERM (see cancel) unwinds, so write_atomic removes its temporary file
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
            sender.send(_outcome_of(task))

        self._process = context.Process(target=run, daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> Any:
        """Wait for the task: its value, or a :class:`KgError` saying why it failed."""
        if self._process is not None:
            try:
                self._outcome = self._receiver.recv()
            except EOFError:
                self._outcome = (False, f"its process ended with code {self._process.exitcode}")
            self._process.join()
            self._process = None
        ok, value = self._outcome
        if not ok:
            raise KgError(f"writing an output failed: {value}")
        return value

    def cancel(self) -> None:
        """Stop the task, if it still runs."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None


def _then(
    write_rdf: Callable[[], tuple[Path, dict[str, float], Any]],
    task: Callable[[], dict[str, float]],
) -> Callable[[], tuple[Path, dict[str, float], Any]]:
    """:func:`_write_rdf_and_store`, then `task`, whose times join its own."""

    def both() -> tuple[Path, dict[str, float], Any]:
        path, times, store = write_rdf()
        times.update(task())
        return path, times, store

    return both


def _timed(stage: str, task: Callable[[], Any]) -> Callable[[], dict[str, float]]:
    """`task`, returning how long it took under the name `stage` (for timings.json)."""

    def timed() -> dict[str, float]:
        clock = time.perf_counter()
        task()
        return {stage: time.perf_counter() - clock}

    return timed


def _outcome_of(task: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, task()
    except BaseException as err:  # reported by result()
        return False, str(err) if isinstance(err, KgError) else repr(err)


def load(out: str | Path = "output") -> nx.MultiDiGraph:
    """The graph of a previous build, read back from ``<out>/graph.json`` (or from a
    GraphML or node-link JSON file given by name).

    >>> import kg
    >>> graph = kg.load("output")  # doctest: +SKIP
    """
    path = Path(out)
    if path.is_dir():
        found = [path / name for name in ("graph.json", "graph.graphml") if (path / name).exists()]
        path = found[0] if found else path / "graph.json"
    if not path.exists():
        raise KgError(f"no graph at {str(path)!r}; run 'kg build' first (or pass its --out folder)")
    try:
        if path.suffix.lower() == ".graphml":
            return nx.MultiDiGraph(nx.read_graphml(path, force_multigraph=True))
        return read_node_link(path)
    except (ValueError, KeyError, TypeError, SyntaxError) as err:
        raise KgError(f"cannot read the graph in {str(path)!r}: {err}") from err
