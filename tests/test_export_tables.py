"""Tables: the JSON lines a worker ships as bytes are the documented rows."""

from __future__ import annotations

import json

from kg.export.tables import article_row, mention_rows, record_lines
from kg.pipeline import process_file

from .conftest import SEEDS


def _json_lines(rows) -> bytes:
    """The documented line format, written by the standard library: compact, sorted keys."""
    return "".join(
        json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        for row in rows
    ).encode()


def test_record_lines_are_the_documented_rows_as_utf8(test_gazetteer, matcher):
    path = sorted(SEEDS.iterdir())[0]
    record = process_file(path, SEEDS, matcher, test_gazetteer.publisher_index())
    mentions, article = record_lines(record, test_gazetteer)
    assert mentions == _json_lines(mention_rows(record, test_gazetteer))
    assert article == _json_lines([article_row(record)])
    rows = [json.loads(line) for line in mentions.decode().splitlines()]
    assert len(rows) == len(record.mentions) > 0
    assert all(record.article.text[r["start"] : r["end"]] == r["surface"] for r in rows)
