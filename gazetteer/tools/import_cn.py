#!/usr/bin/env python
"""Generate gazetteer/places/cn.generated.yaml from cpca's bundled division table.

Source: cpca/resources/adcodes.csv (adcode, Simplified name, longitude, latitude) of the
`cpca` package; only the file is read, cpca itself is not imported. Emitted: every
province-level division of mainland China (Taiwan, Hong Kong and Macau are countries in
this gazetteer) and every prefecture-level division, with
  * name in Traditional Chinese (OpenCC s2tw, 臺 written 台 as in HK/TW news): the short form
    without the administrative suffix (廣東, 深圳) when it is unambiguous, else the full name;
  * aliases: the full name (廣東省, 深圳市), 「X州」 for autonomous prefectures, curated extras,
    English;
  * weak: the short form when it is ambiguous (tools/cn_overrides.yaml), with the province as
    context;
  * in: the province (provinces: country-cn), coords from cpca.
Ids and English names come from tools/cn_divisions.csv. Output is sorted by id and
byte-identical between runs.

Usage: python gazetteer/tools/import_cn.py
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import sys

import opencc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gazetteer_yaml import (
    PLACES_DIR,
    curated_records,
    dump_records,
    load_overrides_file,
    write_if_changed,
)

TOOLS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(PLACES_DIR, "cn.generated.yaml")
OVERRIDE_KEYS = {"name", "short", "weak", "context", "add", "english", "desc", "qid"}

S2TW = opencc.OpenCC("s2tw")
T2S = opencc.OpenCC("t2s")

SKIP_PROVINCES = {"71", "81", "82"}  # Taiwan, Hong Kong, Macau: country-level records
MUNICIPALITIES = {"11", "12", "31", "50"}
PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$")
ETHNIC_PREF = re.compile(
    r"^(.+?)(藏族|回族|蒙古族|朝鲜族|土家族|苗族|布依族|彝族|傣族|白族|哈尼族|壮族|傈僳族|羌族|侗族"
    r"|景颇族|哈萨克|柯尔克孜|蒙古).*自治州$"
)


def cpca_table() -> str:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cpca is not installed (pip install cpca)")
    return os.path.join(next(iter(spec.submodule_search_locations)), "resources", "adcodes.csv")


def cpca_version() -> str:
    try:
        from importlib.metadata import version

        return version("cpca")
    except Exception:  # pragma: no cover
        return "unknown"


def trad(simplified: str) -> str:
    return S2TW.convert(simplified).replace("臺", "台")


def key(name: str) -> str:
    return T2S.convert(name).lower()


def split_name(full: str, level: str) -> tuple[str, str]:
    """(short form, kind) of a Simplified division name."""
    if level == "province":
        return PROVINCE_SUFFIX.sub("", full), "province"
    m = ETHNIC_PREF.match(full)
    if m:
        return m.group(1), "autonomous prefecture"
    for suffix, kind in (("地区", "prefecture"), ("盟", "league"), ("市", "prefecture-level city")):
        if full.endswith(suffix):
            return full[: -len(suffix)], kind
    raise SystemExit(f"cannot split {full}")


def common_word(name: str) -> bool:
    """Would `kg gazetteer check` call this strong name a common word? (same rule)"""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    k = T2S.convert(name)
    limit = 1000 if len(k) <= 2 else 20000
    return jieba.dt.FREQ.get(k, 0) >= limit and jieba.posseg.dt.word_tag_tab.get(k, "") not in {
        "nr",
        "ns",
        "nt",
        "nz",
        "nrt",
        "nrfg",
        "j",
    }


def load_divisions() -> dict[str, tuple[str, str]]:
    with open(os.path.join(TOOLS, "cn_divisions.csv"), encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return {r["adcode"]: (r["id"], r["en"]) for r in csv.DictReader(lines)}


def load_overrides() -> dict[str, dict]:
    data = load_overrides_file(os.path.join(TOOLS, "cn_overrides.yaml"))
    for code, ov in data.items():
        bad = set(ov) - OVERRIDE_KEYS
        if bad or not (isinstance(code, str) and len(code) == 6):
            raise SystemExit(f"bad override {code!r}: {sorted(bad)}")
    return data


def main() -> int:
    divisions = load_divisions()
    overrides = load_overrides()
    with open(cpca_table(), encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["adcode"])

    drafts: dict[str, dict] = {}
    for row in rows:
        code = row["adcode"][:6]
        if row["adcode"][6:] != "000000" or code[4:] != "00" or code[:2] in SKIP_PROVINCES:
            continue
        full_s = row["name"]
        if full_s in ("市辖区", "县") or "直辖" in full_s:
            continue
        level = "province" if code[2:4] == "00" else "prefecture"
        if code not in divisions:
            raise SystemExit(f"{code} {full_s}: add it to cn_divisions.csv")
        ov = overrides.get(code, {})
        short_s, kind = split_name(full_s, level)
        if level == "province" and code[:2] in MUNICIPALITIES:
            kind = "municipality"
        elif level == "province" and "自治区" in full_s:
            kind = "autonomous region"
        full = ov.get("name") or trad(full_s)
        assert full_s.startswith(short_s) and len(full) == len(full_s), full_s
        short = ov["short"] if "short" in ov else full[: len(short_s)]  # OpenCC maps char by char
        rid, en = divisions[code]
        drafts[code] = {
            "code": code,
            "level": level,
            "kind": kind,
            "id": rid,
            "en": en,
            "full": full,
            "full_s": full_s,
            "short": short,
            "weak": bool(ov.get("weak")),
            "ov": ov,
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
        }
    unknown = set(overrides) - set(drafts)
    if unknown:
        raise SystemExit(f"overrides for unknown adcodes: {sorted(unknown)}")
    missing = set(divisions) - set(drafts)
    if missing:
        raise SystemExit(f"cn_divisions.csv rows not in cpca: {sorted(missing)}")

    # Names used by the curated places files (Hong Kong 馬鞍山, Taipei districts ...).
    taken: dict[str, str] = {}
    shared_weak: set[str] = set()  # weak names of curated places (羅湖, 福田 ...)
    for rec in curated_records():
        for n in [rec.get("name"), *list(rec.get("aliases") or [])]:
            if n:
                taken.setdefault(key(n), rec["id"])
        shared_weak.update(key(n) for n in rec.get("weak") or [])
    province_short = {d["short"]: d["id"] for d in drafts.values() if d["level"] == "province"}

    records = []
    for code, d in sorted(drafts.items()):
        ov = d["ov"]
        prov = drafts[code[:2] + "0000"]
        short, weak = d["short"], d["weak"]
        if short and short in province_short and province_short[short] != d["id"]:
            short = ""  # 吉林市 / 海南州: the short form is the province's (kg forbids sharing it)
        if short and key(short) in shared_weak:
            weak = True  # a curated place has it as a weak name: it must be weak here too
        if short and not weak and common_word(short):
            weak = True  # jieba lists it as a common word (the rule of `kg gazetteer check`)
        if short and key(short) in taken and taken[key(short)] != d["id"]:
            print(
                f"  {d['full']}: short form {short} is {taken[key(short)]}: dropped",
                file=sys.stderr,
            )
            short = ""
        strong_short = short and not weak
        name = short if strong_short else d["full"]
        aliases = []
        if name != d["full"]:
            aliases.append(d["full"])
        if d["kind"] == "autonomous prefecture" and short:
            aliases.append(short + "州")
        aliases += list(ov.get("add", []))
        if "english" in ov:
            aliases += list(ov["english"])
        elif (
            strong_short
            and re.fullmatch(r"[A-Za-z' ]+", d["en"])
            and (" " not in d["en"] or d["level"] == "province")
        ):
            aliases.append(d["en"])
        seen, uniq = {key(name)}, []
        for a in aliases:
            if key(a) not in seen:
                seen.add(key(a))
                uniq.append(a)
        weak_names = [short] if (short and weak) else []
        context = []
        if weak_names:
            context = [prov["short"], prov["full"]] if d["level"] == "prefecture" else []
            context += [d["full"]] if d["full"] != name else []
            context += list(ov.get("context", []))
            context = list(dict.fromkeys(c for c in context if key(c) != key(short)))
        if d["level"] == "province":
            desc = {
                "municipality": "Municipality of China",
                "autonomous region": "Autonomous region of China",
                "province": "Province of China",
            }[d["kind"]]
            parent = "country-cn"
        else:
            desc = {
                "prefecture-level city": "Prefecture-level city",
                "autonomous prefecture": "Autonomous prefecture",
                "prefecture": "Prefecture",
                "league": "League",
            }[d["kind"]] + f" in {prov['en']}"
            parent = prov["id"]
        records.append(
            {
                "id": d["id"],
                "type": "place",
                "name": name,
                "en": d["en"],
                "aliases": uniq,
                "weak": weak_names,
                "context": context,
                "region": "cn",
                "desc": ov.get("desc", desc),
                "coords": [round(d["lat"], 4), round(d["lon"], 4)],
                "in": parent,
                "qid": ov.get("qid"),
            }
        )

    # OpenCC must turn every Traditional name back into cpca's Simplified spelling.
    for d in drafts.values():
        if T2S.convert(d["full"]) != d["full_s"]:
            raise SystemExit(
                f"{d['full']}: t2s gives {T2S.convert(d['full'])}, cpca has {d['full_s']} (add hans)"
            )

    records.sort(key=lambda r: r["id"])
    header = (
        f"# Generated by gazetteer/tools/import_cn.py from cpca {cpca_version()} resources/adcodes.csv,\n"
        "# tools/cn_divisions.csv and tools/cn_overrides.yaml. Do not edit by hand: change those\n"
        "# files (or add a curated record to places/cn.yaml) and re-run the script.\n"
    )
    changed = write_if_changed(OUT, dump_records(records, header))
    print(f"{len(records)} records -> {OUT} ({'updated' if changed else 'unchanged'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
