#!/usr/bin/env python
"""Generate gazetteer/places/countries.generated.yaml from pycountry.

Sources:
  * pycountry (ISO 3166-1 list) and its bundled iso-codes gettext catalogues
    `iso3166-1` for zh_TW, zh_HK and zh_CN (Simplified names are converted to
    Traditional with OpenCC s2t);
  * tools/country_centroids.csv: representative centroid and kg region of every code;
  * tools/country_overrides.yaml: curated media names, variants, weak names, abbr, qid.

Ids already defined in a curated places/*.yaml file (country-tw, country-us, country-cn,
country-hk, country-mo) are skipped. Output is sorted by id and byte-identical between
runs for the same pycountry version.

Usage: python gazetteer/tools/import_countries.py
"""

from __future__ import annotations

import csv
import gettext
import os
import re
import sys

import opencc
import pycountry

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gazetteer_yaml import (
    PLACES_DIR,
    curated_ids,
    dump_records,
    load_overrides_file,
    write_if_changed,
)

TOOLS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(PLACES_DIR, "countries.generated.yaml")
LOCALES = ["zh_TW", "zh_HK", "zh_CN"]
OVERRIDE_KEYS = {
    "name",
    "en",
    "add",
    "drop",
    "weak",
    "context",
    "english",
    "abbr",
    "desc",
    "qid",
    "hans",
}

S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")


def key(name: str) -> str:
    """Matching key: Simplified, as kg normalises text."""
    return T2S.convert(name).lower()


def clean(name: str) -> str | None:
    name = name.strip().replace("（", "(").replace("）", ")")
    name = re.sub(r"\s+", "", name)
    name = name.replace("羣", "群").replace("兹", "茲")  # HK / Simplified variant characters
    if not name or re.search(r"[()、,\-]", name):
        return None  # composite or annotated label: curated by hand in the overrides
    return name


def load_centroids() -> dict[str, tuple[float, float, str]]:
    rows = {}
    with open(os.path.join(TOOLS, "country_centroids.csv"), encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    for row in csv.DictReader(lines):
        rows[row["iso2"]] = (float(row["lat"]), float(row["lon"]), row["region"])
    return rows


def load_overrides() -> dict[str, dict]:
    data = load_overrides_file(os.path.join(TOOLS, "country_overrides.yaml"))
    for code, ov in data.items():
        if not (isinstance(code, str) and len(code) == 2):
            raise SystemExit(f"bad override key {code!r} (quote codes such as NO)")
        bad = set(ov or {}) - OVERRIDE_KEYS
        if bad:
            raise SystemExit(f"{code}: unknown override fields {sorted(bad)}")
    return {c: (ov or {}) for c, ov in data.items()}


def translations(country) -> list[str]:
    """Chinese names of a country from the three zh catalogues, best first."""
    names = []
    for loc in LOCALES:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc])
        for attr in ("common_name", "name", "official_name"):
            en = getattr(country, attr, None)
            if not en:
                continue
            zh = tr.gettext(en)
            if zh == en:
                continue  # untranslated
            if loc == "zh_CN":
                zh = S2T.convert(zh)
            names.append(zh)
    return names


def dedupe(names, exclude_keys=()):
    seen = set(exclude_keys)
    out = []
    for n in names:
        k = key(n)
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def main() -> int:
    centroids = load_centroids()
    overrides = load_overrides()
    skip = curated_ids()
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    unknown = set(overrides) - {c.alpha_2 for c in countries}
    if unknown:
        raise SystemExit(f"overrides for unknown codes: {sorted(unknown)}")

    drafts = []
    for c in countries:
        code = c.alpha_2
        ov = overrides.get(code, {})
        drop = {key(n) for n in ov.get("drop", [])}
        weak = dedupe(ov.get("weak", []))
        weak_keys = {key(n) for n in weak}
        cands = []
        for raw in translations(c):
            n = clean(raw)
            if n and key(n) not in drop:
                cands.append(n)
        name = ov.get("name") or (cands[0] if cands else None)
        if not name:
            raise SystemExit(f"{code}: no Chinese name")
        aliases = dedupe(cands + list(ov.get("add", [])), exclude_keys={key(name)} | weak_keys)
        en = ov.get("en") or getattr(c, "common_name", None) or c.name
        english = list(ov.get("english", [en]))
        keep_english = set(ov.get("english", []))  # listed explicitly: always kept
        lat, lon, region = centroids[code]
        drafts.append(
            {
                "code": code,
                "id": f"country-{code.lower()}",
                "name": name,
                "en": en,
                "aliases": aliases,
                "english": english,
                "keep_english": keep_english,
                "weak": weak,
                "context": list(ov.get("context", [])),
                "abbr": ov.get("abbr"),
                "hans": ov.get("hans"),
                "region": region,
                "desc": ov.get("desc") or f"Country (ISO 3166-1 {code})",
                "coords": [lat, lon],
                "qid": ov.get("qid"),
            }
        )

    # An English alias that is a whole word of another entry's English names
    # ("Guinea" in "Papua New Guinea", "Samoa" in "American Samoa") is dropped.
    all_english = [(d["code"], e) for d in drafts for e in d["english"] + [d["en"]]]
    for d in drafts:
        keep = []
        for e in d["english"]:
            pat = re.compile(r"(?<![A-Za-z])" + re.escape(e) + r"(?![A-Za-z])", re.I)
            if (
                any(
                    code != d["code"] and e.lower() != other.lower() and pat.search(other)
                    for code, other in all_english
                )
                and e not in d["keep_english"]
            ):
                if d["id"] not in skip:
                    print(f"  {d['code']}: English alias {e!r} dropped (part of another name)")
                continue
            keep.append(e)
        d["english"] = keep

    # The same Chinese name on two generated records must be weak on both.
    owners: dict[str, set[str]] = {}
    for d in drafts:
        for n in [d["name"]] + d["aliases"]:
            owners.setdefault(key(n), set()).add(d["code"])
    for d in drafts:
        for n in d["weak"]:
            if owners.get(key(n), set()) - {d["code"]}:
                raise SystemExit(f"{d['code']}: weak name {n} is a strong name of {owners[key(n)]}")
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    if clashes:
        raise SystemExit(f"names shared by several countries (make them weak): {clashes}")

    records = []
    for d in drafts:
        if d["id"] in skip:
            continue
        records.append(
            {
                "id": d["id"],
                "type": "place",
                "name": d["name"],
                "en": d["en"],
                "aliases": d["aliases"]
                + [e for e in d["english"] if key(e) not in {key(a) for a in d["aliases"]}],
                "weak": d["weak"],
                "context": d["context"] if d["weak"] else [],
                "abbr": d["abbr"],
                "hans": d["hans"],
                "region": d["region"],
                "desc": d["desc"],
                "coords": d["coords"],
                "qid": d["qid"],
            }
        )
    records.sort(key=lambda r: r["id"])
    header = (
        "# Generated by gazetteer/tools/import_countries.py from pycountry "
        f"{pycountry_version()} (iso-codes zh_TW/zh_HK/zh_CN),\n"
        "# tools/country_centroids.csv and tools/country_overrides.yaml. Do not edit by hand:\n"
        "# change the overrides (or a curated places/*.yaml record) and re-run the script.\n"
    )
    changed = write_if_changed(OUT, dump_records(records, header))
    print(
        f"{len(records)} records -> {OUT} ({'updated' if changed else 'unchanged'});"
        f" skipped curated ids: {sorted(d['id'] for d in drafts if d['id'] in skip)}"
    )
    return 0


def pycountry_version() -> str:
    try:
        from importlib.metadata import version

        return version("pycountry")
    except Exception:  # pragma: no cover
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
