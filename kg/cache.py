"""A content-keyed cache of map results, so that a rebuild reads only what changed.

The key of a file is a hash of its bytes, its path and input root, and kg's code (version
and source hash); each result also notes the gazetteer it was made with. Editing a file or
changing kg invalidates exactly the records that depend on them. After an edit of the
gazetteer, the results of the older gazetteer are *stale*: the pipeline re-extracts the
files the edit can affect and :meth:`Cache.refresh` marks the others current
(:class:`~kg.extract.GazetteerChange`). Results live in one SQLite file, read one record at
a time and written in batches, so an archive never sits in memory whole; prepared matchers
are kept beside them (:meth:`Cache.memo`).

Hashing every byte of an archive on each rebuild would cost more than the rest of a
no-change rebuild, so a file whose size and modification time are unchanged keeps its
known content hash (as git's index does).

Examples
--------
>>> cache = Cache(None, "gazetteer-hash", "code-hash")   # a disabled cache caches nothing
>>> cache.missing([("a.md", ".")])
[('a.md', '.')]
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from kg.export import write_atomic

Job = tuple[str, str]
T = TypeVar("T")
_SCHEMA_VERSION = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, gazetteer TEXT NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS stats (path TEXT PRIMARY KEY, signature TEXT NOT NULL, digest TEXT NOT NULL);
"""
_CHECKPOINT = "checkpoint.pickle"
_CHECKPOINT_SINCE = "checkpoint.since.pickle"
_MEMO_FILES = "*-" + "[0-9a-f]" * 16 + ".pickle"  # name-salt.pickle: see Cache._memo_path
_LAST_BUILD = "last-build"


class Cache:
    """Map-step results (bytes, as the pipeline serialised them) by file key; a no-op when
    `folder` is None."""

    def __init__(self, folder: Path | None, gazetteer_fingerprint: str, code: str) -> None:
        self.folder = folder
        self.gazetteer = gazetteer_fingerprint
        self._code = code
        self._salt = f"{code}\0".encode()
        self._keys: dict[Job, str] = {}
        self._made_with: dict[str, str] | None = None  # key -> gazetteer, read on first need
        self._owner_pid = os.getpid()  # self._db belongs to this process
        self._reader: sqlite3.Connection | None = None  # a forked worker's own connection
        self._reader_pid = -1
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                self._db = _connect(folder / "cache.sqlite")
            except sqlite3.DatabaseError:  # a corrupt cache is only a slower build
                (folder / "cache.sqlite").unlink(missing_ok=True)
                self._db = _connect(folder / "cache.sqlite")
            self._digests = dict(
                ((path, signature), digest)
                for path, signature, digest in self._db.execute(
                    "SELECT path, signature, digest FROM stats"
                )
            )
            self._new_digests: list[tuple[str, str, str]] = []

    def key(self, job: Job) -> str:
        """The cache key of a file: content hash, path, root and code."""
        if job not in self._keys:
            digest = hashlib.blake2b(self._salt, digest_size=16)
            digest.update(f"{job[0]}\0{job[1]}\0".encode())
            digest.update(self._content_digest(job[0]).encode())
            self._keys[job] = digest.hexdigest()
        return self._keys[job]

    def _content_digest(self, path: str) -> str:
        signature = _signature(path)
        known = self._digests.get((path, signature)) if self._db is not None else None
        if known:
            return known
        digest = _file_digest(path)
        self.learn(path, signature, digest)
        return digest

    def needs_digests(self, jobs: Sequence[Job]) -> bool:
        """Should the makers of these jobs' results send their files' digests to
        :meth:`merge`? Only when some file was not hashed up front, as in a first build."""
        return self._db is not None and any(job not in self._keys for job in jobs)

    def learn(self, path: str, signature: str, digest: str) -> None:
        """Note a file's :func:`content_digest`, worked out elsewhere (by the worker that
        read the file), so that its key needs no second reading here."""
        if self._db is not None and signature and (path, signature) not in self._digests:
            self._digests[path, signature] = digest
            self._new_digests.append((path, signature, digest))

    def memo(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, kept pickled in the cache folder for later builds with the same code
        and gazetteer (the prepared matcher loads in a quarter of a second; compiling it
        and loading jieba's dictionary take more than a second). The values of an older
        gazetteer stay until a build has refreshed every result (:meth:`recall`)."""
        if self.folder is None:
            return make()
        kept = self.recall(name, self.gazetteer)
        if kept is not None:
            return kept
        value = make()
        write_atomic(
            self._memo_path(name, self.gazetteer),
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
        )
        return value

    def has_memo(self, name: str) -> bool:
        """Is there a value :meth:`memo` kept for the current gazetteer (not yet loaded)?"""
        return self.folder is not None and self._memo_path(name, self.gazetteer).exists()

    def recall(self, name: str, gazetteer: str) -> Any:
        """What :meth:`memo` kept for `gazetteer`, or None."""
        if self.folder is None:
            return None
        try:
            with open(self._memo_path(name, gazetteer), "rb") as file, _no_collections():
                return pickle.load(file)
        except Exception:  # missing or damaged: only a slower build
            return None

    def _memo_path(self, name: str, gazetteer: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{name}-{self._memo_salt(gazetteer)}.pickle"

    def _memo_salt(self, gazetteer: str) -> str:
        return hashlib.blake2b(f"{self._code}\0{gazetteer}".encode(), digest_size=8).hexdigest()

    def _gazetteers(self) -> dict[str, str]:
        if self._made_with is None:
            assert self._db is not None
            self._made_with = dict(self._db.execute("SELECT key, gazetteer FROM records"))
        return self._made_with

    def missing(self, jobs: Sequence[Job]) -> list[Job]:
        """The jobs whose result is not cached (all of them when the cache is off)."""
        if self._db is None:
            return list(jobs)
        made_with = self._gazetteers()
        if not made_with:  # nothing to reuse: hash the files later, while the workers run
            return list(jobs)
        return [job for job in jobs if self.key(job) not in made_with]

    def stale(self, jobs: Sequence[Job]) -> dict[str, list[Job]]:
        """The cached jobs whose result was made with another gazetteer, by gazetteer."""
        if self._db is None:
            return {}
        made_with = self._gazetteers()
        if not made_with:  # as in missing(): hash nothing up front for a first build
            return {}
        found: dict[str, list[Job]] = {}
        for job in jobs:
            gazetteer = made_with.get(self.key(job), self.gazetteer)
            if gazetteer != self.gazetteer:
                found.setdefault(gazetteer, []).append(job)
        return found

    def lookup(self, job: Job) -> bytes:
        """The cached result of a job; callable in a forked worker too, which reads through
        a connection of its own (a connection must not cross a fork)."""
        if self._owner_pid == os.getpid():
            db = self._db
        else:
            if self._reader_pid != os.getpid():
                assert self.folder is not None
                uri = f"file:{self.folder / 'cache.sqlite'}?mode=ro"
                self._reader = sqlite3.connect(uri, uri=True)
                self._reader_pid = os.getpid()
            db = self._reader
        assert db is not None
        row = db.execute("SELECT value FROM records WHERE key = ?", (self.key(job),)).fetchone()
        return row[0]

    def refresh(self, jobs: Iterable[Job]) -> None:
        """Mark cached results as made with the current gazetteer (it changes none of them)."""
        if self._db is not None:
            rows = [(self.gazetteer, self.key(job)) for job in jobs]
            self._db.executemany("UPDATE records SET gazetteer = ? WHERE key = ?", rows)

    def merge(
        self,
        jobs: Sequence[Job],
        todo: Sequence[Job],
        fresh: Iterable[tuple[bytes, tuple[str, str] | None]],
    ) -> Iterator[bytes]:
        """All results in the order of `jobs`: cached ones, and `fresh` ones for `todo`,
        which are stored as they pass (in batches: one transaction per few hundred). Each
        fresh result comes with its file's :func:`content_digest` when its maker read it."""
        fresh_iter = iter(fresh)
        pending = set(todo)
        batch: list[tuple[str, bytes]] = []
        for job in jobs:
            if job in pending:
                result, digest = next(fresh_iter)
                if digest is not None:
                    self.learn(job[0], *digest)
                if self._db is not None:
                    batch.append((self.key(job), result))
                    if len(batch) >= 512:
                        self._store(batch)
                yield result
            else:
                yield self.lookup(job)  # only pending jobs exist without a cache
        self._store(batch)

    def _store(self, batch: list[tuple[str, bytes]]) -> None:
        if self._db is not None and batch:
            self._db.executemany(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                ((key, self.gazetteer, value) for key, value in batch),
            )
            batch.clear()

    def manifest(self, jobs: Sequence[Job], settings: str) -> str:
        """A fingerprint of a whole build: every file key, in order, and the settings."""
        digest = hashlib.blake2b(f"{settings}\0{self.gazetteer}".encode(), digest_size=16)
        for job in jobs:
            digest.update(self.key(job).encode())
        return digest.hexdigest()

    def last_build(self) -> str:
        """The :meth:`manifest` that :meth:`mark_built` kept, or ''."""
        if self._db is None or self.folder is None:
            return ""
        try:
            return (self.folder / _LAST_BUILD).read_text(encoding="utf-8")
        except OSError:
            return ""

    def mark_built(self, manifest: str | None) -> None:
        """Remember the `manifest` of a build whose outputs are all written, or (None) that
        the outputs are changing. A file of its own, not a row: a commit waits for the disk."""
        if self._db is None or self.folder is None:
            return
        if manifest is None:
            (self.folder / _LAST_BUILD).unlink(missing_ok=True)
        else:
            write_atomic(self.folder / _LAST_BUILD, manifest)

    def keep_only(self, jobs: Sequence[Job]) -> None:
        """Keep exactly the results of `jobs` (this build's) and commit them. Callable from
        another thread, which a build uses while it writes its outputs, when this process
        does nothing else with the cache."""
        if self._db is None:
            return
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
        db.execute("DELETE FROM keep")
        db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((self.key(job),) for job in jobs))
        db.execute("DELETE FROM records WHERE key NOT IN (SELECT key FROM keep)")
        db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?)", self._new_digests)
        db.commit()
        self._new_digests = []
        if self.folder is not None:  # every result is now the current gazetteer's
            current = self._memo_salt(self.gazetteer)
            for old in self.folder.glob(_MEMO_FILES):
                if not old.name.endswith(f"-{current}.pickle"):
                    old.unlink(missing_ok=True)

    def save_checkpoint(self, header: dict, state: Any) -> None:
        """Keep `state` (the reduce's, after the build's last file) with a `header` that
        :meth:`load_checkpoint` checks before loading the state itself."""
        if self.folder is not None:
            header = {**header, "salt": self._memo_salt(self.gazetteer)}
            blob = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
            (self.folder / _CHECKPOINT_SINCE).unlink(missing_ok=True)
            write_atomic(
                self.folder / _CHECKPOINT,
                blob + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL),
            )

    def extend_checkpoint(self, header: dict) -> None:
        """Keep `header` for the state the checkpoint holds plus the files folded since,
        which whoever loads it replays (:meth:`load_checkpoint`): a few bytes to write,
        where the state is tens of megabytes."""
        if self.folder is None:
            return
        try:
            with open(self.folder / _CHECKPOINT, "rb") as file:
                base = pickle.load(file)["manifest"]
        except Exception:  # no checkpoint to extend: the next build folds every file
            return
        header = {**header, "salt": self._memo_salt(self.gazetteer), "base": base}
        write_atomic(self.folder / _CHECKPOINT_SINCE, pickle.dumps(header))

    def load_checkpoint(self, accept: Callable[[dict], bool]) -> tuple[dict, Any] | None:
        """The state :meth:`save_checkpoint` kept, with the header of the last build that
        kept or extended it (:meth:`extend_checkpoint`: that build's files after the state's
        are to be replayed), if kg's code and the gazetteer are the same and `accept` takes
        the header; else None."""
        if self.folder is None:
            return None
        salt = self._memo_salt(self.gazetteer)
        try:
            with open(self.folder / _CHECKPOINT, "rb") as file:
                header = pickle.load(file)
                with contextlib.suppress(Exception):  # else the state's own header
                    since = pickle.loads((self.folder / _CHECKPOINT_SINCE).read_bytes())
                    if since["base"] == header["manifest"] and since["salt"] == salt:
                        header = since
                if header.get("salt") != salt or not accept(header):
                    return None
                with _no_collections():
                    return header, pickle.load(file)
        except Exception:  # missing or damaged: the reduce starts from the first file
            return None

    def close(self) -> None:
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """Pause the cyclic garbage collector: unpickling a graph makes millions of containers,
    which would set off one collection after another that finds nothing to free. They are
    then frozen (kept out of later collections): they live as long as the build, and the
    first collection after the pause would otherwise go through all of them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _signature(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"


def content_digest(path: str) -> tuple[str, str]:
    """A file's signature (size, modification time, inode) and the hash of its bytes;
    ``("", "unreadable")`` when it cannot be read.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as file:
    ...     content_digest(file.name)[1]
    'cae66941d9efbd404e4d88758ea67670'
    """
    signature = _signature(path)
    digest = _file_digest(path)
    return (signature, digest) if digest != "unreadable" else ("", digest)


def _file_digest(path: str) -> str:
    try:
        with open(path, "rb", buffering=0) as file:
            data = file.read()
    except OSError:
        return "unreadable"
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False)  # see Cache.keep_only
    db.execute("PRAGMA journal_mode=DELETE")  # a build writes once: WAL would write it twice
    db.execute("PRAGMA synchronous=NORMAL")
    if db.execute("PRAGMA user_version").fetchone()[0] != _SCHEMA_VERSION:
        db.executescript(
            "DROP TABLE IF EXISTS results; DROP TABLE IF EXISTS records;"
            "DROP TABLE IF EXISTS stats; DROP TABLE IF EXISTS builds;"
        )  # an older kg's cache: start afresh
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
    return db
