"""SPARQL over the RDF export, on pyoxigraph's engine (fast enough for a whole archive).

Examples
--------
>>> rows = query('SELECT ?x WHERE { VALUES ?x { 1 2 } }', data=None)
>>> rows.columns, [r[0] for r in rows.rows]
(['x'], ['1', '2'])
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.export import write_atomic

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class QueryResult:
    """A SELECT table (`columns`, `rows` of plain strings), an ASK `boolean`, or CONSTRUCT `triples`."""

    columns: list[str]
    rows: list[list[str]]
    boolean: bool | None = None
    triples: str = ""

    def to_text(self, format: str = "table") -> str:
        """Render as an aligned text table, CSV or JSON."""
        if self.boolean is not None:
            return json.dumps(self.boolean) if format == "json" else str(self.boolean).lower()
        if self.triples:
            return self.triples
        if format == "json":
            return json.dumps(
                [dict(zip(self.columns, r)) for r in self.rows], ensure_ascii=False, indent=1
            )
        if format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(self.columns)
            writer.writerows(self.rows)
            return buffer.getvalue().rstrip("\n")
        widths = [
            max([_width(c)] + [_width(r[i]) for r in self.rows]) for i, c in enumerate(self.columns)
        ]
        lines = ["  ".join(_pad(c, w) for c, w in zip(self.columns, widths))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths)) for r in self.rows]
        lines.append(f"({len(self.rows)} rows)")
        return "\n".join(lines)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


def open_store(data: str | Path, persist: bool = True) -> ox.Store:
    """A store holding an RDF file (format from its suffix).

    With `persist`, the loaded store is kept on disk beside the file (in
    ``.kg-cache/store-<name>-<size>-<mtime>``), so that later queries of the same file open it at
    once instead of parsing it again; a rebuilt file gets a new store (or the old one, brought
    up to date: :func:`prepare_store`).
    """
    path = Path(data)
    if not path.exists():
        raise QueryError(f"no RDF data at {str(path)!r}; run 'kg build' first or pass --data FILE")
    format = _FORMATS.get(path.suffix.lower())
    if format is None:
        raise QueryError(f"unknown RDF format {path.suffix!r}; use one of {', '.join(_FORMATS)}")
    folder = _store_folder(path)
    if persist and (folder / _COMPLETE).exists():
        try:
            return _on_disk(ox.Store.read_only, str(folder))
        except OSError:
            pass
    try:
        if persist and _writable(path.parent):
            _remove_stores(path)
            store = _load_store(folder, path=str(path), format=format)
            (folder / _COMPLETE).touch()
            return store
        store = ox.Store()
        store.bulk_load(path=str(path), format=format)
    except (SyntaxError, ValueError) as err:
        raise QueryError(f"cannot load {path}: {err}") from err
    except OSError as err:
        raise QueryError(f"cannot load {path}: {err}") from err
    return store


def prepare_store(
    path: str | Path,
    ntriples: bytes,
    label: str = "",
    difference: tuple[Path, set[bytes], set[bytes]] | None = None,
) -> str:
    """Make ready the store that queries of `path` open (:func:`open_store`), for a file just
    written whose triples are `ntriples` (sorted N-Triples, as
    :func:`kg.export.rdf.sorted_ntriples` gives).

    A build that changed little need not load the whole file again: when the store of the
    previous file is there with the triples it holds, only the difference is removed and
    added (milliseconds, against seconds for a load). Returns ``"updated"`` or ``"loaded"``.
    A store interrupted while being changed has no ``complete`` mark, so it is never opened:
    the next build or query makes it afresh. A caller that knows the difference already
    passes it, with the store it applies to (:func:`kept_triples`); `label` names the
    triples for a later :func:`kept_triples`.
    """
    path = Path(path)
    folder = _store_folder(path)
    how = "loaded"
    previous = [
        old
        for old in sorted(folder.parent.glob(f"store-{path.name}-*"))
        if old != folder and (old / _COMPLETE).exists() and (old / _TRIPLES).exists()
    ]
    if previous and not folder.exists():
        try:
            if difference is not None and difference[0] in previous:
                old, removed, added = difference
            else:
                old = previous[0]
                removed, added = _difference((old / _TRIPLES).read_bytes(), ntriples)
            if _update(old, removed, added, ntriples.count(b"\n")):
                os.replace(old, folder)
                how = "updated"
        except (OSError, ValueError, SyntaxError):
            pass  # a damaged store: loaded afresh below
    _remove_stores(path, keep=folder)
    if how == "loaded":
        shutil.rmtree(folder, ignore_errors=True)
        _load_store(folder, ntriples, format=ox.RdfFormat.N_TRIPLES)  # closed once dropped
    write_atomic(folder / _TRIPLES, ntriples)
    write_atomic(folder / _LABEL, label)
    (folder / _COMPLETE).touch()
    return how


def kept_triples(path: str | Path, label: str) -> tuple[Path, bytes] | None:
    """The store of `path` as the file is now, and the sorted N-Triples it holds, if the
    build that prepared it named them `label` (:func:`prepare_store`); else None."""
    try:
        folder = _store_folder(Path(path))
        if (folder / _COMPLETE).exists() and (folder / _LABEL).read_text() == label:
            return folder, (folder / _TRIPLES).read_bytes()
    except OSError:
        pass
    return None


def _difference(old: bytes, new: bytes) -> tuple[set[bytes], set[bytes]]:
    old_lines, new_lines = set(old.split(b"\n")), set(new.split(b"\n"))
    return old_lines - new_lines, new_lines - old_lines


def _update(folder: Path, removed: set[bytes], added: set[bytes], size: int) -> bool:
    """Remove and add these triples (N-Triples lines) in the store in `folder`; False (and
    the store untouched) when they are so many that loading afresh is faster."""
    if len(removed) + len(added) > size // 4:
        return False
    (folder / _COMPLETE).unlink()
    store = _on_disk(ox.Store, str(folder))
    for quad in ox.parse(b"\n".join(sorted(removed)), format=ox.RdfFormat.N_TRIPLES):
        store.remove(quad)
    store.extend(ox.parse(b"\n".join(sorted(added)), format=ox.RdfFormat.N_TRIPLES))
    store.flush()
    del store
    return True


_opened_on_disk = False


def _on_disk(open_store_at: Callable[[str], ox.Store], folder: str) -> ox.Store:
    global _opened_on_disk
    _opened_on_disk = True
    return open_store_at(folder)


def stores_survive_fork() -> bool:
    """Can a process forked from this one open an on-disk store? Not once this process has
    opened one: RocksDB's background threads, which that starts, do not survive a fork, and
    the forked process would wait for them forever. (``kg.query`` and then ``kg.build`` in
    one Python session do this; the build then prepares the store itself.)"""
    return not _opened_on_disk


_LABEL = "label"
_COMPLETE = "complete"
_TRIPLES = "triples.nt"  # what the store holds, as sorted N-Triples (stores made by a build)


def _load_store(folder: Path, *data, **source) -> ox.Store:
    """A new on-disk store in `folder`, bulk-loaded (``Store.bulk_load`` arguments)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    store = _on_disk(ox.Store, str(folder))
    store.bulk_load(*data, **source)
    store.flush()
    return store


def _store_folder(path: Path) -> Path:
    stat = path.stat()
    return path.parent / ".kg-cache" / f"store-{path.name}-{stat.st_size}-{stat.st_mtime_ns}"


def _remove_stores(path: Path, keep: Path | None = None) -> None:
    for old in (path.parent / ".kg-cache").glob(f"store-{path.name}-*"):
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def query(
    sparql: str, data: str | Path | None = "output/graph.ttl", store: ox.Store | None = None
) -> QueryResult:
    """Run a SPARQL SELECT, ASK or CONSTRUCT query and return plain values."""
    if store is None:
        store = open_store(data) if data is not None else ox.Store()
    try:
        result = store.query(sparql)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from err
    except (OSError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err
    if isinstance(result, ox.QueryBoolean):
        return QueryResult([], [], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[_plain(solution[c]) for c in columns] for solution in result]
        return QueryResult(columns, rows)
    text = (ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    return QueryResult([], [], triples=text)


def read_query(text_or_path: str) -> str:
    """The query text: the contents of a ``.rq`` file, or the argument itself."""
    if text_or_path.endswith((".rq", ".sparql")):
        path = Path(text_or_path)
        if not path.exists():
            raise QueryError(f"no query file {text_or_path!r}")
        return path.read_text(encoding="utf-8")
    return text_or_path
