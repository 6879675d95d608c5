"""Worker processes for the map step of a build: :class:`Parallel` maps a function over
jobs in order, in forked workers that share the caller's state (the gazetteer's matcher)
instead of receiving it pickled; :class:`StartedWorker` is one worker started before the
jobs are known; :class:`Deferred` values are made where first used, in each worker.

>>> jobs = [(str(i), "root") for i in range(3)]
>>> list(Parallel(lambda job, suffix: job[0] + suffix, jobs, 2, "!"))
['0!', '1!', '2!']
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_WORKER: dict = {}


class Deferred:
    """A value made where it is first used. A matcher that a build's cache kept reaches
    the worker processes as one of these, and each loads it while the parent prepares the
    reduce; the parent needs it only if it does jobs itself.

    >>> value = Deferred(lambda: [1, 2])
    >>> value.made, value.get(), value.made
    (False, [1, 2], True)
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._value: Any = None

    def get(self) -> Any:
        if self._value is None:
            self._value = self._make()
        return self._value

    @property
    def made(self) -> bool:
        return self._value is not None


def resolved(value: Any) -> Any:
    """The value of a :class:`Deferred`, made now if need be; any other value as it is."""
    return value.get() if isinstance(value, Deferred) else value


def _init_worker(function: Callable, *state) -> None:
    _WORKER["function"] = function
    try:
        _WORKER["state"] = tuple(map(resolved, state))
    except Exception as err:  # a pool starts a worker whose initializer fails again, forever
        _WORKER["error"] = err


def _call_in_worker(job: Any) -> Any:
    if "error" in _WORKER:
        raise _WORKER["error"]  # to the parent, with the first job
    return _WORKER["function"](job, *_WORKER["state"])


class Parallel:
    """``function(job, *state)`` for each job, in order; in worker processes when there
    are enough jobs. `state` (the matcher, ...) reaches the workers by fork, not pickle.
    The workers start at once, so they work while the caller prepares the reduce, and they
    end once the last result is in (or at :meth:`close`): a caller that stops after the
    last item must not keep them, and their memo tables, alive. A few hundred jobs get one
    worker: each worker first loads the state it is given (a cached matcher: a quarter of a
    second), and a second would take that time from the caller, which works meanwhile.
    """

    JOBS_PER_WORKER = 500

    def __init__(
        self,
        function: Callable,
        jobs: Sequence[Any],
        workers: int,
        *state,
        started: StartedWorker | None = None,
    ) -> None:
        self._left = len(jobs)
        self._pool: Any = None
        if started is not None:  # it has been loading the state since the build began
            self._pool = started.adopted(function, state, len(jobs), self.JOBS_PER_WORKER)
        if self._pool is None and (workers <= 1 or len(jobs) < 64 or not _can_fork()):
            self._results: Iterator[Any] = _serially(function, jobs, state)
            return
        if self._pool is None:
            workers = min(workers, -(-len(jobs) // self.JOBS_PER_WORKER))
            self._pool = _forked_pool(workers, function, state)
        self._results = self._pool.imap(_call_in_worker, jobs, chunksize=32)

    def __iter__(self) -> Parallel:
        return self

    def __next__(self) -> Any:
        if not self._left:
            self.close()
            raise StopIteration
        result = next(self._results)
        self._left -= 1
        if not self._left:
            self.close()
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


class StartedWorker:
    """One worker process started before the build knows its jobs. A rebuild whose cache
    holds the matcher and the gazetteer starts it first thing, with both deferred: the
    worker loads the matcher (a third of a second) while the parent hashes the files to
    find what is new and loads the checkpoint, instead of after. A rebuild with a few
    hundred new files uses it (:class:`Parallel`); one with nothing to do, or with too
    much for one worker, ends it.
    """

    def __init__(self, function: Callable, *state) -> None:
        self._function, self._state = function, state
        self.pool: Any = _forked_pool(1, function, state) if _can_fork() else None

    def adopted(self, function: Callable, state: tuple, jobs: int, per_worker: int) -> Any:
        """Its pool, handed over, if it can do these jobs alone with this function and this
        very state; else None, and it ends."""
        same = function is self._function and len(state) == len(self._state)
        same = same and all(a is b or a == b for a, b in zip(state, self._state))
        pool = self.pool if same and 0 < jobs <= per_worker else None
        if pool is None:
            self.close()
        self.pool = None
        return pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _forked_pool(workers: int, function: Callable, state: tuple) -> Any:
    gc.freeze()  # the matcher's big dictionaries stay shared with the workers, not copied
    context = multiprocessing.get_context("fork")
    return context.Pool(workers, initializer=_init_worker, initargs=(function, *state))


def _serially(function: Callable, jobs: Sequence[Any], state: tuple) -> Iterator[Any]:
    state = tuple(map(resolved, state))  # at the first result: none, none loaded
    for job in jobs:
        yield function(job, *state)
