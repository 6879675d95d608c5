"""Tables: the JSON lines a worker ships as bytes are the documented lines."""

from __future__ import annotations

import json

from kg.export.tables import generate_articles_jsonl, generate_mentions_jsonl, record_lines
from kg.pipeline import process_file

from .conftest import SEEDS


def test_record_lines_are_the_generated_lines_as_utf8(test_gazetteer, matcher):
    path = sorted(SEEDS.iterdir())[0]
    record = process_file(path, SEEDS, matcher, test_gazetteer.publisher_index())
    mentions, article = record_lines(record, test_gazetteer)
    assert mentions == "".join(generate_mentions_jsonl([record], test_gazetteer)).encode()
    assert article == "".join(generate_articles_jsonl([record])).encode()
    rows = [json.loads(line) for line in mentions.decode().splitlines()]
    assert len(rows) == len(record.mentions) > 0
    assert all(record.article.text[r["start"] : r["end"]] == r["surface"] for r in rows)
