"""Gazetteer suggestions: mining cues, ranking, counts, exclusions, the YAML they print."""

from __future__ import annotations

import pytest
import yaml

from kg.errors import KgError
from kg.gazetteer import Entity, Gazetteer
from kg.suggest import (
    Mined,
    Suggestion,
    drop_known,
    mine,
    select_candidates,
    suggest,
    to_yaml,
)

from .conftest import DATA

CORPUS = DATA / "suggest"


@pytest.fixture(scope="module")
def known():
    """What the fixture corpus must not suggest: a person and a place the gazetteer has."""
    return Gazetteer([
        Entity(id="carrie-lam", type="person", name="林鄭月娥", en="Carrie Lam"),
        Entity(id="hong-kong", type="place", name="香港", en="Hong Kong"),
    ])  # fmt: skip


@pytest.fixture(scope="module")
def suggestions(known):
    return suggest([CORPUS], known, top=20, jobs=1)


def test_ranking_counts_types_and_cues(suggestions):
    assert [(s.name, s.type, s.articles, s.mentions, s.evidence) for s in suggestions] == [
        ("華富邨居民協會", "institution", 4, 5, "X協會"),
        ("陳大文", "person", 4, 4, "議員X"),
    ]


def test_the_example_is_the_first_short_sentence_with_a_cue(suggestions):
    person = next(s for s in suggestions if s.type == "person")
    assert person.example == "議員陳大文表示，政府應增建公屋。"
    assert all(0 < len(s.example) <= 60 for s in suggestions)


def test_known_names_and_common_words_are_not_suggested(suggestions):
    names = {s.name for s in suggestions}
    assert not names & {"林鄭月娥", "鄭月娥", "月娥", "香港"}
    assert not names & {"城市", "知道", "大家都知道"}


def test_the_corpus_does_offer_the_excluded_names_as_contexts():
    """The exclusions above are decisions, not misses: the cues do reach these strings."""
    mined = Mined()
    for path in sorted(CORPUS.glob("*.md")):
        mine(path.read_text(encoding="utf-8"), mined)
    contexts = mined.expand().contexts
    assert contexts[("person", "林郑月娥")] == 3
    assert contexts[("place", "城市")] == 2
    assert contexts[("place", "知道")] == 2
    assert select_candidates(mined, min_cues=2).keys() >= {"林郑月娥", "陈大文"}


def test_the_same_corpus_in_parallel_gives_the_same_answer(known, suggestions):
    assert suggest([CORPUS], known, top=20, jobs=2) == suggestions


def test_top_and_sample(known):
    assert [s.name for s in suggest([CORPUS], known, top=1, jobs=1)] == ["華富邨居民協會"]
    assert suggest([CORPUS], known, sample=1, jobs=1) == []  # one article: too few cues


def test_simplified_text_gives_traditional_names(tmp_path, known):
    for day in range(1, 4):
        (tmp_path / f"{day}.md").write_text(
            f"---\ntitle: 新闻{day}\n---\n议员张伟强表示，会继续跟进。张伟强指出，问题严重。\n",
            encoding="utf-8",
        )
    [found] = suggest([tmp_path], known, jobs=1)
    assert (found.name, found.type, found.articles, found.mentions) == ("張偉強", "person", 3, 6)
    assert found.example == "议员张伟强表示，会继续跟进。"


def test_no_article_is_an_error(tmp_path, known):
    (tmp_path / "notes.txt").write_text("no front matter", encoding="utf-8")
    with pytest.raises(KgError, match="is an article"):
        suggest([tmp_path], known, jobs=1)
    with pytest.raises(KgError, match="does not exist"):
        suggest([tmp_path / "missing"], known, jobs=1)


def test_drop_known_compares_every_name_in_both_scripts():
    gazetteer = Gazetteer([
        Entity(id="a", type="person", name="蕭美琴", en="Hsiao Bi-khim", aliases=["蕭大使"],
               weak=["美琴"]),
        Entity(id="us", type="place", name="美國", en="United States"),
    ])  # fmt: skip
    candidates = {
        "萧美琴": "person",  # the name, Simplified
        "萧大使": "person",  # an alias
        "美琴": "person",  # a weak name
        "萧美琴表": "person",  # a known person and a stray character
        "美国公司": "institution",  # a known name and a common word
        "陈大文": "person",
    }
    assert drop_known(candidates, gazetteer) == {"陈大文": "person"}


def test_to_yaml_parses_into_unique_records(suggestions):
    text = to_yaml(suggestions)
    records = yaml.safe_load(text)
    assert records == [
        {"id": "TODO-1", "type": "institution", "name": "華富邨居民協會", "en": "TODO"},
        {"id": "TODO-2", "type": "person", "name": "陳大文", "en": "TODO"},
    ]
    assert text.splitlines()[0] == (
        "# 4 articles, 5 mentions (cue: X協會) — 「華富邨居民協會批評房屋政策」"
    )


def test_to_yaml_quotes_names_yaml_would_misread():
    odd = [
        Suggestion(name, "person", 1, 1, "例句：#1 「引號」\n第二行", "X說")
        for name in ("yes", "- 陳", "a: b", "123", '他說"好"')
    ]
    records = yaml.safe_load(to_yaml(odd))
    assert [r["name"] for r in records] == ["yes", "- 陳", "a: b", "123", '他說"好"']
    assert len({r["id"] for r in records}) == len(odd)
    assert to_yaml([]) == ""
