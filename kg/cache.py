"""A content-keyed cache of map results, so that a rebuild reads only what changed.

The key of a file is a hash of its bytes, its path and input root, the gazetteer's
fingerprint and kg's code (version and source hash): editing a file, the gazetteer or
changing kg invalidates exactly the records that depend on them. Records live in one pickle per cache folder,
rewritten after each build with only the keys still in use.

Examples
--------
>>> cache = Cache(None, "gazetteer-hash", "0.1.0")   # a disabled cache caches nothing
>>> cache.missing([("a.md", ".")])
[('a.md', '.')]
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

Job = tuple[str, str]


class Cache:
    """Map-step results by file key; a no-op when `folder` is None."""

    def __init__(self, folder: Path | None, gazetteer_fingerprint: str, version: str) -> None:
        self.folder = folder
        self._salt = f"{version}\0{gazetteer_fingerprint}\0".encode()
        self._stored: dict[str, object] = {}
        self._keys: dict[Job, str] = {}
        self._fresh: dict[str, object] = {}
        if folder is not None and (folder / "records.pickle").exists():
            try:
                with open(folder / "records.pickle", "rb") as f:
                    self._stored = pickle.load(f)
            except Exception:  # a corrupt or foreign cache is only a slower build
                self._stored = {}

    def key(self, job: Job) -> str:
        if job not in self._keys:
            digest = hashlib.blake2b(self._salt, digest_size=16)
            digest.update(f"{job[0]}\0{job[1]}\0".encode())
            try:
                digest.update(Path(job[0]).read_bytes())
            except OSError:
                digest.update(b"\0unreadable")
            self._keys[job] = digest.hexdigest()
        return self._keys[job]

    def missing(self, jobs: Sequence[Job]) -> list[Job]:
        """The jobs whose result is not cached (all of them when the cache is off)."""
        if self.folder is None:
            return list(jobs)
        return [job for job in jobs if self.key(job) not in self._stored]

    def merge(
        self, jobs: Sequence[Job], todo: Sequence[Job], fresh: Iterable[object]
    ) -> Iterator[object]:
        """All results in the order of `jobs`: cached ones, and `fresh` ones for `todo`."""
        fresh_iter = iter(fresh)
        pending = set(todo)
        for job in jobs:
            if job in pending:
                result = next(fresh_iter)
                if self.folder is not None:
                    self._fresh[self.key(job)] = result
                yield result
            else:
                result = self._stored[self.key(job)]
                self._fresh[self.key(job)] = result
                yield result

    def save(self) -> None:
        """Keep exactly the results of this build."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".records.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(self._fresh, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / "records.pickle")
