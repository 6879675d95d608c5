"""Deterministic writer for gazetteer records (used by the import_*.py scripts).

Writes the same style as the hand-written files: one block mapping per record, lists in
flow style, fields in the order of gazetteer/README.md. Only the standard library and
PyYAML (to check that a scalar round-trips) are used.
"""

from __future__ import annotations

import glob
import json
import os

import yaml

FIELD_ORDER = [
    "id",
    "type",
    "name",
    "en",
    "aliases",
    "weak",
    "context",
    "abbr",
    "hans",
    "region",
    "desc",
    "coords",
    "in",
    "qid",
]

GAZETTEER_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
PLACES_DIR = os.path.join(GAZETTEER_DIR, "places")

_SPECIAL = set(",[]{}:#&*!|>'\"%@`?")


def scalar(value) -> str:
    """A YAML scalar that reads back as exactly `value`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    plain_ok = (
        text
        and text == text.strip()
        and not (set(text) & _SPECIAL)
        and not text.startswith(("-", "."))
    )
    if plain_ok:
        try:
            plain_ok = yaml.safe_load(text) == text
        except yaml.YAMLError:
            plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def dump_records(records: list[dict], header: str) -> str:
    lines = [header.rstrip("\n")]
    for rec in records:
        unknown = set(rec) - set(FIELD_ORDER)
        if unknown:
            raise ValueError(f"{rec.get('id')}: unknown fields {sorted(unknown)}")
        first = True
        for key in FIELD_ORDER:
            if key not in rec or rec[key] is None or rec[key] == []:
                continue
            value = rec[key]
            if isinstance(value, (list, tuple)):
                text = "[" + ", ".join(scalar(v) for v in value) + "]"
            else:
                text = scalar(value)
            lines.append(("- " if first else "  ") + f"{key}: {text}")
            first = False
    out = "\n".join(lines) + "\n"
    # Self-check: the text must parse back to the same data.
    parsed = yaml.safe_load(out) or []
    expected = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in r.items() if v not in (None, [])}
        for r in records
    ]
    if parsed != expected:
        raise AssertionError("YAML round trip failed")
    return out


def write_if_changed(path: str, text: str) -> bool:
    old = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    if old == text:
        return False
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return True


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (YAML would keep the last silently)."""


def _construct_mapping(loader, node, deep=False):
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        keys.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_overrides_file(path: str):
    """Load a curated overrides YAML file, failing on duplicate keys."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader) or {}


def curated_records() -> list[dict]:
    """Records of the hand-written places files (everything but *.generated.yaml)."""
    out: list[dict] = []
    for path in sorted(glob.glob(os.path.join(PLACES_DIR, "*.yaml"))):
        if path.endswith(".generated.yaml"):
            continue
        with open(path, encoding="utf-8") as fh:
            out.extend(yaml.safe_load(fh) or [])
    return out


def curated_ids() -> set[str]:
    return {r["id"] for r in curated_records() if isinstance(r, dict) and "id" in r}
