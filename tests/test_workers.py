"""Tests of kg/workers.py: the worker processes of a build's map step."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from kg.workers import Deferred, Parallel, StartedWorker


def test_the_workers_end_with_the_last_result_even_if_the_caller_stops_there():
    jobs = [(str(i), "root") for i in range(64)]
    results = Parallel(lambda job, suffix: job[0] + suffix, jobs, 2, "!")
    assert [next(results) for _ in jobs] == [f"{i}!" for i in range(64)]
    assert [p for p in multiprocessing.active_children() if "Pool" in p.name] == []


def test_a_few_hundred_jobs_get_one_worker_and_more_get_every_core(monkeypatch):
    """Each worker first loads its state: for a short list, one is enough (it works while
    the caller prepares the reduce), and the second would only take the caller's core."""
    monkeypatch.setattr(Parallel, "JOBS_PER_WORKER", 100)
    for count, workers in ((100, 1), (101, 2), (1000, 2)):
        jobs = [(str(i), "root") for i in range(count)]
        results = Parallel(lambda job: os.getpid(), jobs, 2)
        pids = set(results)
        assert len(pids) <= workers and os.getpid() not in pids
        results = Parallel(lambda job: os.getpid(), jobs, 2)
        assert results._pool._processes == workers
        results.close()


def _pid_and_suffix(job, suffix):
    return os.getpid(), job[0] + suffix


def test_a_worker_started_before_the_jobs_are_known_does_them_when_it_suits(monkeypatch):
    """A rebuild starts one worker early (it loads the cached matcher meanwhile); the jobs go
    to it when they are few enough and its function and state are the ones asked for, and
    it ends otherwise."""
    monkeypatch.setattr(Parallel, "JOBS_PER_WORKER", 100)
    jobs = [(str(i), "root") for i in range(10)]
    started = StartedWorker(_pid_and_suffix, "!")
    [early] = started.pool._pool
    results = list(Parallel(_pid_and_suffix, jobs, 2, "!", started=started))
    assert results == [(early.pid, f"{i}!") for i in range(10)] and started.pool is None

    for state, count in (("?", 10), ("!", 101)):  # another state; too many jobs for one
        started = StartedWorker(_pid_and_suffix, "!")
        pool = started.pool  # held here: the worker must end without the pool's collection
        [early] = pool._pool
        jobs = [(str(i), "root") for i in range(count)]
        results = list(Parallel(_pid_and_suffix, jobs, 2, state, started=started))
        assert [r[1] for r in results] == [f"{i}{state}" for i in range(count)]
        assert early.pid not in {pid for pid, _ in results} and started.pool is None
        assert not early.is_alive()
    assert [p for p in multiprocessing.active_children() if "Pool" in p.name] == []


def test_a_worker_that_cannot_load_its_state_fails_its_jobs_instead_of_starting_again():
    jobs = [(str(i), "root") for i in range(64)]
    results = Parallel(_pid_and_suffix, jobs, 2, Deferred(lambda: 1 / 0))
    try:
        with pytest.raises(ZeroDivisionError):
            next(results)
    finally:
        results.close()
