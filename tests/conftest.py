"""Shared fixtures: paths, one build of the seeds, and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st

# Timing belongs in benchmarks: a slow CI machine must not fail a property test.
settings.register_profile("kg", deadline=None)
settings.load_profile("kg")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "seeds"
GAZETTEER = ROOT / "gazetteer"


def run_kg(*args: str, cwd: Path = ROOT, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `kg` entry point (python -m kg) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """The seeds built once through the Python API into a temporary folder."""
    import kg

    out = tmp_path_factory.mktemp("seeds-output")
    return kg.build([SEEDS], gazetteer=GAZETTEER, out=out, jobs=1)


@pytest.fixture(scope="session")
def test_gazetteer():
    from kg.gazetteer import load

    return load(DATA / "gazetteer")


@pytest.fixture(scope="session")
def matcher(test_gazetteer):
    from kg.extract import Matcher

    return Matcher(test_gazetteer).prepare()


def _corpus(name: str) -> Path:
    tarball = SHARED / "corpora" / name
    if not tarball.exists():
        pytest.skip(f"{tarball} is absent (the shared corpora live beside the repo)")
    return tarball


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    """Unpack a shared corpus once per session: corpus_dir('agora-2009.tar.gz') -> folder."""
    unpacked: dict[str, Path] = {}

    def unpack(name: str) -> Path:
        if name not in unpacked:
            target = tmp_path_factory.mktemp(name.split(".")[0])
            with tarfile.open(_corpus(name)) as tar:
                tar.extractall(target, filter="data")
            unpacked[name] = target
        return unpacked[name]

    return unpack


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by selenium, fresh profile, no background traffic."""
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        reason = (
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("KG_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--window-size=1400,900", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


_PLACES = [f"p{i}" for i in range(6)]

GROWING_ARCHIVES = st.tuples(
    st.lists(
        st.tuples(
            st.sampled_from(["", "2020-01-02", "2021-05-06"]),
            st.lists(st.sampled_from(_PLACES), max_size=4, unique=True),
            st.sampled_from(["", "p4"]),
            st.lists(st.integers(0, 7), max_size=2),
        ),
        max_size=8,
    ),
    st.integers(0, 8),
)
"""Articles (date, places named, publisher, the numbers of the articles they link to) and
how many of them the last build saw. Links to articles not seen yet are stubs until those
arrive; p1 is in p0, which is in p4, so a containment edge can wait for a later article."""


def fold_articles(builder, articles, numbers) -> None:
    """Add articles of a :data:`GROWING_ARCHIVES` example to a graph builder."""
    from kg.records import Article, ArticleRecord, Link

    for number in numbers:
        date, places, publisher, links = articles[number]
        article = Article(
            id=f"a{number}", path=f"a{number}.md", title=f"t{number}", text="", date=date,
            url=f"https://x.org/a{number}",
            links=tuple(Link(f"https://x.org/a{to}", f"link {to}") for to in links),
        )  # fmt: skip
        stats = tuple((p, 1, 0, False, True) for p in places)
        builder.add(ArticleRecord(article, publisher_id=publisher), stats)


def places_gazetteer():
    from kg.gazetteer import Entity, Gazetteer

    within = {"p0": "p4", "p1": "p0", "p3": "p5"}
    return Gazetteer(
        [Entity(id=p, type="place", name=f"地{p}", en=p, within=within.get(p, "")) for p in _PLACES]
    )


def resumed_builder(articles, cut):
    """What a rebuild resumes: a builder that finished the first `cut` articles, pickled
    as a build keeps it, reopened and given the others. Returns the first builder's
    finished graph and pending edges, the resumed builder and what reopening it undid."""
    import pickle

    from kg.graph import GraphBuilder

    gazetteer = places_gazetteer()
    before = GraphBuilder(gazetteer, min_co_mentions=1)
    fold_articles(before, articles, range(min(cut, len(articles))))
    last = before.finish(complete=False)
    before.count_co_mentions()
    resumed = pickle.loads(pickle.dumps(before))
    resumed.gazetteer = gazetteer
    reopened = resumed.reopen()
    fold_articles(resumed, articles, range(min(cut, len(articles)), len(articles)))
    return last, before.pending, resumed, reopened
