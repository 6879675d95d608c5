"""The gazetteer: loading, the checks that keep it correct, names, round trips."""

from __future__ import annotations

import pickle

import pytest

from kg.errors import GazetteerError
from kg.gazetteer import Entity, Gazetteer, check, load, stats

from .conftest import DATA, GAZETTEER, run_kg


def test_the_curated_gazetteer_passes_its_check():
    problems = [p for p in check(GAZETTEER) if p.level == "error"]
    assert problems == [], "\n".join(map(str, problems))


def test_the_curated_gazetteer_covers_the_domain():
    counts = stats(load(GAZETTEER))["by_type"]
    assert counts["person"] >= 800
    assert counts["institution"] >= 700
    assert counts["place"] >= 1000


def test_check_reports_every_kind_of_problem():
    messages = "\n".join(str(p) for p in check(DATA / "gazetteer_bad"))
    assert "id 'Bad Id' must be a lowercase ASCII slug" in messages
    assert "type 'city' must be one of person, institution, place" in messages
    assert "duplicate id" in messages
    assert "'in: nowhere' names no entity" in messages
    assert (
        "name '中国' (after script normalisation) belongs to several entities (one, two)"
        in messages
    )
    assert "'aliases' has non-text or empty entries [False]; quote them" in messages
    assert "'表示' is a common word" in messages
    assert "abbr '日本' must be a single character" in messages
    assert "coords [200, 1] must be [latitude, longitude]" in messages


def test_load_stops_at_the_first_bad_record_with_its_file():
    with pytest.raises(GazetteerError, match=r"bad\.yaml record 1 \(Bad Id\): id 'Bad Id'"):
        load(DATA / "gazetteer_bad")


def test_missing_gazetteer_says_how_to_fix_it(tmp_path):
    with pytest.raises(GazetteerError, match="pass --gazetteer DIR"):
        load(tmp_path / "nope")


def test_save_and_load_round_trip(tmp_path, test_gazetteer):
    path = tmp_path / "all.yaml"
    test_gazetteer.save(path)
    again = load(path)
    assert sorted(e.id for e in again) == sorted(e.id for e in test_gazetteer)
    assert again["sung-kim"] == test_gazetteer["sung-kim"]
    assert again.fingerprint() == test_gazetteer.fingerprint()


def test_api_add_remove_contains():
    g = Gazetteer()
    g.add(Entity(id="x", type="place", name="某地", en="Somewhere"))
    assert "x" in g and len(g) == 1
    with pytest.raises(GazetteerError, match="duplicate id 'x'"):
        g.add(Entity(id="x", type="place", name="某地", en="Somewhere"))
    g.remove("x")
    assert "x" not in g


def test_names_lists_both_scripts(test_gazetteer):
    names = dict(test_gazetteer.names())
    assert names["蕭美琴"] == names["萧美琴"] == "person"
    assert names["Sung Kim"] == "person"


def test_cli_names_is_the_tab_separated_list():
    result = run_kg("gazetteer", "names", "--gazetteer", str(DATA / "gazetteer"))
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    assert "香港科技大學\tinstitution" in lines and "香港科技大学\tinstitution" in lines
    assert all(line.count("\t") == 1 for line in lines)


def test_cli_check_fails_on_errors():
    good = run_kg("gazetteer", "check", "--gazetteer", str(DATA / "gazetteer"))
    bad = run_kg("gazetteer", "check", "--gazetteer", str(DATA / "gazetteer_bad"))
    assert good.returncode == 0, good.stdout
    assert bad.returncode == 1 and "error:" in bad.stdout


def test_cli_stats():
    result = run_kg("gazetteer", "stats", "--gazetteer", str(DATA / "gazetteer"))
    assert '"person": 8' in result.stdout


def test_a_pickled_gazetteer_keeps_its_fingerprint_and_an_edit_drops_it():
    """Builds keep the gazetteer pickled in their cache; a copy loaded from it must not work
    its fingerprint out again (every record's repr), and must still notice an edit."""
    gaz = load(GAZETTEER)
    copy = pickle.loads(pickle.dumps(gaz))
    assert copy._fingerprint == gaz.fingerprint()
    copy.remove(next(iter(copy)).id)
    assert copy.fingerprint() != gaz.fingerprint()
