"""How fast a built archive is to use: the page in headless Chromium, and the shipped queries.

usage: python benchmarks/bench_page_query.py OUTPUT_DIR [--markdown docs/benchmarks.md]

OUTPUT_DIR is the --out folder of a `kg build` (e.g. of the Citizen News corpus). Reports the
seconds until graph.html has drawn and answers a search (Debian's chromium and chromedriver,
headless, no network), and the wall time of `kg query` for each file in queries/ — the first
call builds the persistent store beside graph.ttl, the later calls open it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def page_seconds(page: Path) -> tuple[float, int, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--window-size=1400,900", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        start = time.perf_counter()
        driver.get(page.resolve().as_uri())
        while not driver.execute_script(
            "return document.body && document.body.dataset.ready === 'true'"
        ):
            time.sleep(0.02)
        ready = time.perf_counter() - start
        nodes = driver.execute_script("return window.kgNodes.length")
        start = time.perf_counter()
        driver.execute_script("return window.kgSearch('香港')")
        search = time.perf_counter() - start
        return ready, nodes, search
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    ready, nodes, search = page_seconds(args.out / "graph.html")
    lines = [
        f"### Using a build: {args.out}",
        "",
        "| what | seconds |",
        "|---|---:|",
        f"| graph.html drawn and interactive ({nodes} nodes) | {ready:.2f} |",
        f"| a search on the page | {search:.3f} |",
    ]
    data = args.out / "graph.ttl"
    for run in ("first", "warm"):
        for query in sorted((ROOT / "queries").glob("*.rq")):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg", "query", "-d", str(data), str(query)],
                           check=True, capture_output=True)  # fmt: skip
            wall = time.perf_counter() - start
            lines.append(
                f"| kg query {query.name} ({run}{', builds the store' if run == 'first' and query.name.startswith('co') else ''}) | {wall:.2f} |"
            )
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as out:
            out.write("\n" + table)


if __name__ == "__main__":
    main()
