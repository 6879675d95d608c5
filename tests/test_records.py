"""The records: frozen, and pickled positionally (workers and the cache move millions)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from kg.records import Article, ArticleRecord, Link, Mention, Section, Skipped

ARTICLE = Article(
    id="cna.com.tw/news/1.aspx",
    path="a.md",
    title="標題",
    text="標題\n\n蔡英文",
    sections=(Section(0, 2, "title"), Section(4, 7, "body")),
    date="2021-01-07",
    url="https://cna.com.tw/news/1.aspx",
    publisher_hints=("cna.com.tw",),
    author="記者",
    tags=("政治",),
    links=(Link("https://cna.com.tw/news/2.aspx", "延伸"),),
)
RECORDS = [
    ARTICLE,
    Article(id="x", path="x.md", title="", text=""),  # defaults
    ArticleRecord(ARTICLE, (Mention(ARTICLE.id, "tsai-ing-wen", "蔡英文", 4, 7, "body"),), "cna"),
    Skipped("bad.md", "empty body"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_pickle_to_equal_records(record):
    copy = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == record and type(copy) is type(record)


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ARTICLE.title = "changed"  # type: ignore[misc]
