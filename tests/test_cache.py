"""The cache of map results: keys by content, results by gazetteer, and what is hashed when."""

from __future__ import annotations

from kg.cache import Cache


def _files(tmp_path, count=3):
    jobs = []
    for i in range(count):
        path = tmp_path / f"{i}.md"
        path.write_text(f"article {i}", encoding="utf-8")
        jobs.append((str(path), str(tmp_path)))
    return jobs


def test_a_first_build_hashes_no_file_up_front(tmp_path, monkeypatch):
    hashed = []
    original = Cache._content_digest
    monkeypatch.setattr(
        Cache, "_content_digest", lambda self, p: hashed.append(p) or original(self, p)
    )
    jobs = _files(tmp_path)
    cache = Cache(tmp_path / "cache", "gazetteer-1", "code")
    assert cache.missing(jobs) == jobs and cache.stale(jobs) == {}
    assert hashed == []  # the files are hashed later, while the workers run
    cache.close()


def test_results_of_another_gazetteer_are_stale_until_refreshed(tmp_path):
    jobs = _files(tmp_path)
    first = Cache(tmp_path / "cache", "gazetteer-1", "code")
    assert list(first.merge(jobs, jobs, [b"r0", b"r1", b"r2"])) == [b"r0", b"r1", b"r2"]
    first.save(jobs)
    first.close()

    second = Cache(tmp_path / "cache", "gazetteer-2", "code")
    assert second.missing(jobs) == [] and second.stale(jobs) == {"gazetteer-1": jobs}
    assert second.lookup(jobs[1]) == b"r1"
    second.refresh(jobs[:2])
    assert list(second.merge(jobs, jobs[2:], [b"new"])) == [b"r0", b"r1", b"new"]
    second.save(jobs)
    second.close()
    assert Cache(tmp_path / "cache", "gazetteer-2", "code").stale(jobs) == {}
    assert Cache(tmp_path / "cache", "gazetteer-2", "other code").missing(jobs) == jobs
