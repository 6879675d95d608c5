"""Writers for the graph and its tables: one module per format family.

Each writer comes in three layers, as networkx's readwrite modules do: ``generate_*`` yields
text lines (pure), ``to_*`` returns one string, ``write_*`` writes a file atomically.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: str | Path, chunks: Iterable[str | bytes] | str | bytes) -> Path:
    """Write text (or bytes) to `path` so that readers see the old file or the new one, never half.

    `chunks` may mix text and bytes: large bytes chunks are written as they are, not joined
    first (graph.json's parts are a hundred megabytes).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = write_atomic(p, ["a", "b", b"c"]); p.read_text()
    'abc'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(chunks, bytes):
                out.write(chunks)
            elif isinstance(chunks, str):
                out.write(chunks.encode("utf-8"))
            else:  # many small chunks: encode and write them in batches
                batch: list[str] = []
                size = 0
                for chunk in chunks:
                    if isinstance(chunk, bytes):
                        out.write("".join(batch).encode("utf-8"))
                        out.write(chunk)
                        batch, size = [], 0
                        continue
                    batch.append(chunk)
                    size += len(chunk)
                    if size > 1 << 20:
                        out.write("".join(batch).encode("utf-8"))
                        batch, size = [], 0
                out.write("".join(batch).encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
