"""The cache of map results: keys by content, results by gazetteer, and what is hashed when."""

from __future__ import annotations

from kg import cache as cache_module
from kg.cache import Cache, content_digest


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


def test_digests_from_the_workers_spare_a_second_reading(tmp_path, monkeypatch):
    jobs = _files(tmp_path)
    reference = Cache(tmp_path / "reference", "gazetteer-1", "code")
    keys = [reference.key(job) for job in jobs]  # hashed here, file by file
    fresh = [(b"r", content_digest(path)) for path, _ in jobs]  # as the workers send them
    read = []
    monkeypatch.setattr(cache_module, "content_digest", lambda path: read.append(path))
    cache = Cache(tmp_path / "cache", "gazetteer-1", "code")
    assert cache.needs_digests(jobs) and not reference.needs_digests(jobs)
    assert list(cache.merge(jobs, jobs, fresh)) == [b"r"] * 3
    assert [cache.key(job) for job in jobs] == keys and read == []
    cache.keep_only(jobs)
    cache.close()
    again = Cache(tmp_path / "cache", "gazetteer-1", "code")
    assert again.missing(jobs) == [] and read == []  # the digests were kept


def test_results_of_another_gazetteer_are_stale_until_refreshed(tmp_path):
    jobs = _files(tmp_path)
    first = Cache(tmp_path / "cache", "gazetteer-1", "code")
    fresh = [(b"r0", None), (b"r1", None), (b"r2", None)]
    assert list(first.merge(jobs, jobs, fresh)) == [b"r0", b"r1", b"r2"]
    first.keep_only(jobs)
    first.close()

    second = Cache(tmp_path / "cache", "gazetteer-2", "code")
    assert second.missing(jobs) == [] and second.stale(jobs) == {"gazetteer-1": jobs}
    assert second.lookup(jobs[1]) == b"r1"
    second.refresh(jobs[:2])
    assert list(second.merge(jobs, jobs[2:], [(b"new", None)])) == [b"r0", b"r1", b"new"]
    second.keep_only(jobs)
    second.close()
    assert Cache(tmp_path / "cache", "gazetteer-2", "code").stale(jobs) == {}
    assert Cache(tmp_path / "cache", "gazetteer-2", "other code").missing(jobs) == jobs


def test_a_checkpoint_is_given_back_only_to_the_same_code_and_gazetteer_when_accepted(tmp_path):
    cache = Cache(tmp_path / "cache", "gazetteer-1", "code")
    cache.save_checkpoint({"files": 2}, {"state": [1, 2]})
    header, state = cache.load_checkpoint(lambda header: header["files"] == 2)
    assert state == {"state": [1, 2]} and header["files"] == 2
    assert cache.load_checkpoint(lambda header: False) is None
    assert Cache(tmp_path / "cache", "gazetteer-2", "code").load_checkpoint(bool) is None
    assert Cache(tmp_path / "cache", "gazetteer-1", "new code").load_checkpoint(bool) is None
    (tmp_path / "cache" / "checkpoint.pickle").write_bytes(b"damaged")
    assert cache.load_checkpoint(bool) is None
    assert Cache(None, "gazetteer-1", "code").load_checkpoint(bool) is None


def test_an_extended_checkpoint_gives_its_state_with_the_last_header(tmp_path):
    """The state of the build that kept it, the header of the last build that extended
    it (whose files after the state's the caller replays), until a build keeps a new state."""
    folder = tmp_path / "cache"
    cache = Cache(folder, "gazetteer-1", "code")
    cache.save_checkpoint({"files": 2, "manifest": "m2"}, ["state of 2"])
    cache.extend_checkpoint({"files": 3, "manifest": "m3"})
    cache.extend_checkpoint({"files": 5, "manifest": "m5"})
    header, state = cache.load_checkpoint(lambda header: header["files"] == 5)
    assert (header["manifest"], state) == ("m5", ["state of 2"])
    assert Cache(folder, "gazetteer-2", "code").load_checkpoint(bool) is None

    extension = (folder / "checkpoint.since.pickle").read_bytes()
    cache.save_checkpoint({"files": 6, "manifest": "m6"}, ["state of 6"])
    assert not (folder / "checkpoint.since.pickle").exists()
    (folder / "checkpoint.since.pickle").write_bytes(extension)  # of another state: ignored
    assert cache.load_checkpoint(bool)[0]["manifest"] == "m6"
    (folder / "checkpoint.since.pickle").write_bytes(b"damaged")
    assert cache.load_checkpoint(bool)[0]["manifest"] == "m6"

    (folder / "checkpoint.pickle").unlink()
    cache.extend_checkpoint({"files": 7, "manifest": "m7"})  # nothing to extend
    assert (folder / "checkpoint.since.pickle").read_bytes() == b"damaged"
    assert cache.load_checkpoint(bool) is None


def test_keeping_a_builds_results_removes_only_the_memos_of_other_code_or_gazetteers(tmp_path):
    """Memos are `name-salt.pickle`; the build's other files in the folder (the checkpoint
    and its extension, the co-mention arrays, any file with a hyphen) stay."""
    old = Cache(tmp_path / "cache", "gazetteer-1", "code")
    old.memo("matcher", lambda: "old matcher")
    old.close()
    cache = Cache(tmp_path / "cache", "gazetteer-2", "code")
    cache.memo("matcher", lambda: "new matcher")
    others = ["checkpoint.pickle", "checkpoint.since.pickle", "co_mentions.pickle",
              "notes-of-mine.pickle"]  # fmt: skip
    for name in others:
        (tmp_path / "cache" / name).write_bytes(b"x")
    cache.keep_only([])
    cache.close()
    left = sorted(path.name for path in (tmp_path / "cache").glob("*.pickle"))
    assert left == sorted([*others, cache._memo_path("matcher", "gazetteer-2").name])
