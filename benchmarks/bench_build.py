"""Time `kg build` against the peer pipeline and the floor, on one corpus, in one run.

usage: python benchmarks/bench_build.py CORPUS.tar.gz|FOLDER [--gazetteer DIR] [--jobs N]
                                        [--repeat N] [--skip-peer] [--markdown docs/benchmarks.md]

The three programs get the same files and the same gazetteer names (`kg gazetteer names`):

- kg: ``kg build`` into an empty output folder (a full build, which also fills the cache) with
  every default output (graph.html, graph.ttl and its query store, graph.json, mentions,
  articles, CSV, report);
- peer: ../shared/bench/peer_pipeline.py (python-frontmatter, BeautifulSoup, jieba with a user
  dictionary, networkx, rdflib Turtle) — what a user would write by hand;
- floor: ../shared/bench/floor.py (read, front matter, one Aho-Corasick scan) — what no
  builder gets under.

The full build, the +1% rebuild and the floor run `--repeat` times (3 by default) and their
medians count: the machines this runs on drift by 10-30% within minutes. Also measured: kg on half the
files (does memory grow sub-linearly?), a rebuild with no change, a rebuild after adding 1%
new files, and a rebuild after adding one record to the gazetteer (which re-extracts only
the files that contain its name). Timed runs are not sampled: reading a process's memory
slows it. Memory comes from separate runs of the half and the full build, sampled over the
process and all its workers: the peak of the summed PSS every 0.2 s (shared pages split
between the processes that share them: the memory really used) and, for comparison, of the
summed RSS every 20 ms (which counts the pages that forked workers share with the parent
once in each).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    tree, stack = [], [pid]
    while stack:
        p = stack.pop()
        tree.append(p)
        stack.extend(children.get(p, []))
    return tree


def _rss(pids: list[int]) -> int:
    """Summed resident bytes (cheap: /proc/PID/statm)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def _pss(pids: list[int]) -> int:
    """Summed proportional set size: a page shared by n processes counts 1/n in each.

    Forked workers share the parent's pages; RSS counts a shared page once in every
    process, PSS splits it, so the PSS sum is the memory the tree really uses. The kernel
    walks the page tables to compute it, so it is sampled less often than RSS.
    """
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total


def run(cmd: list[str], memory: bool = False) -> dict:
    """Run a command: its wall time and exit code, and with `memory` its peak tree memory.

    Sampling memory slows the process sampled (reading smaps takes the page-table lock it
    needs to grow: 1.5-4 s of a 22 s build), so timed runs are not sampled; memory comes
    from separate runs of the same command.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        tick = 0
        while not done.is_set():
            pids = _tree(proc.pid)
            peak_rss = max(peak_rss, _rss(pids))
            if tick % 10 == 0:  # PSS every 0.2 s: it costs the sampled process most
                peak_pss = max(peak_pss, _pss(pids))
            tick += 1
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    if memory:
        sampler.join()
    if proc.returncode != 0:
        print(f"warning: {cmd[0:3]} exited {proc.returncode}: {stderr[-500:]}", file=sys.stderr)
    return {"wall": wall, "peak_rss": peak_rss, "peak_pss": peak_pss,
            "returncode": proc.returncode, "stderr": stderr}  # fmt: skip


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one of an even number).

    >>> median_run([{"wall": 3.0}, {"wall": 1.0}, {"wall": 2.0}])
    {'wall': 2.0}
    """
    return sorted(runs, key=lambda r: r["wall"])[(len(runs) - 1) // 2]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores ({model}), {memory:.0f} GiB, Python {platform.python_version()}"


def unpack(source: Path, into: Path) -> Path:
    if source.is_dir():
        return source
    with tarfile.open(source) as tar:
        tar.extractall(into, filter="data")
    return into


def link_tree(files: list[Path], root: Path, target: Path) -> None:
    for file in files:
        destination = target / file.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            os.link(file, destination)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--gazetteer", default=str(ROOT / "gazetteer"))
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Runs of the full build, the +1% rebuild and the floor; their medians count.",
    )
    parser.add_argument("--skip-peer", action="store_true", help="The peer takes many minutes.")
    parser.add_argument("--markdown", type=Path, help="Append the table to this file.")
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        corpus = unpack(args.corpus, work / "corpus")
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in files)
        names = work / "names.tsv"
        names.write_text(
            subprocess.run([sys.executable, "-m", "kg", "gazetteer", "names", "-g", args.gazetteer],
                           capture_output=True, text=True, check=True).stdout,
            encoding="utf-8",
        )  # fmt: skip
        listing = work / "files.txt"
        listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
        kg = [sys.executable, "-m", "kg", "build", "-q", "-g", args.gazetteer]
        if args.jobs:
            kg += ["--jobs", str(args.jobs)]
        results: dict[str, dict] = {}

        half = work / "half"
        link_tree(files[: len(files) // 2], corpus, half)
        half_build = [*kg, str(half), "--out", str(work / "out-half"), "--no-cache"]
        full_build = [*kg, str(corpus), "--out", str(work / "out-memory"), "--no-cache"]
        memory = {
            "kg (half the files)": run(half_build, memory=True),
            "kg": run(full_build, memory=True),
        }
        results["kg (half the files)"] = run(half_build)
        full_runs = []
        for _ in range(repeat):  # each into an empty output folder and cache
            shutil.rmtree(work / "out", ignore_errors=True)
            full_runs.append(run([*kg, str(corpus), "--out", str(work / "out")]))
            full_runs[-1]["stages"] = json.loads((work / "out" / "timings.json").read_text())
        results["kg"] = median_run(full_runs)
        stages = results["kg"]["stages"]
        counts = json.loads((work / "out" / "report.json").read_text())["counts"]
        results["kg rebuild, no change"] = run([*kg, str(corpus), "--out", str(work / "out")])
        most = work / "most"
        cut = len(files) - max(1, len(files) // 100)
        link_tree(files[:cut], corpus, most)
        run([*kg, str(most), "--out", str(work / "out-before")])
        link_tree(files[cut:], corpus, most)
        added_runs = []
        for _ in range(repeat):  # each from a copy of the same 99% build
            shutil.rmtree(work / "out-most", ignore_errors=True)
            shutil.copytree(work / "out-before", work / "out-most")
            added_runs.append(run([*kg, str(most), "--out", str(work / "out-most")]))
        results["kg rebuild, +1% files"] = median_run(added_runs)
        edited = work / "gazetteer"  # the same, plus one new record (a name that news uses)
        shutil.copytree(args.gazetteer, edited)
        (edited / "zz-bench-edit.yaml").write_text(
            "- id: bench-ifc\n  type: place\n  name: 國際金融中心\n"
            "  en: International Finance Centre\n  desc: an edit for the benchmark\n",
            encoding="utf-8",
        )
        edit_build = [a for a in kg if a != "-q"]
        edit_build[edit_build.index("-g") + 1] = str(edited)
        results["kg rebuild, gazetteer edit"] = run(
            [*edit_build, str(corpus), "--out", str(work / "out")]
        )
        re_extracted = re.search(
            r"(\d+) files extracted", results["kg rebuild, gazetteer edit"]["stderr"]
        )
        floor = SHARED / "bench" / "floor.py"
        peer = SHARED / "bench" / "peer_pipeline.py"
        floor_runs = [run([sys.executable, str(floor), str(names), f"@{listing}"])
                      for _ in range(repeat)]  # fmt: skip
        results["floor"] = median_run(floor_runs)
        if not args.skip_peer:
            results["peer"] = run(
                [sys.executable, str(peer), str(names), str(work / "peer"), f"@{listing}"]
            )

        full = results["kg"]["wall"]
        lines = [
            f"### {args.corpus.name}: {len(files):,} files, {size / 2**20:.0f} MiB, "
            f"{counts['articles']:,} articles, {counts['mentions']:,} mentions",
            "",
            f"Machine: {machine()}; gazetteer: {sum(1 for _ in names.open(encoding='utf-8')):,} names; "
            f"run {time.strftime('%Y-%m-%d')}.",
            "",
            "| run | wall s | articles/s | MB/s | peak PSS MiB | peak RSS sum MiB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, r in results.items():
            n = len(files) // 2 if "half" in name else len(files)
            mb = size / 2 if "half" in name else size
            m = memory.get(name)
            mem = f"{m['peak_pss'] / 2**20:,.0f} | {m['peak_rss'] / 2**20:,.0f}" if m else "– | –"
            lines.append(
                f"| {name} | {r['wall']:.1f} | {n / r['wall']:,.0f} | {mb / 2**20 / r['wall']:.1f} | "
                f"{mem} |"
            )
        lines += ["", "| ratio | value | target |", "|---|---:|---:|"]
        if "peer" in results:
            lines.append(
                f"| peer / kg (speed-up) | {results['peer']['wall'] / full:.1f}x | >= 20x |"
            )
        lines.append(f"| kg / floor | {full / results['floor']['wall']:.2f}x | <= 3x |")
        lines.append(
            f"| no-change rebuild / full | {results['kg rebuild, no change']['wall'] / full:.0%} | <= 10% |"
        )
        lines.append(
            f"| +1% rebuild / full | {results['kg rebuild, +1% files']['wall'] / full:.0%} | <= 15% |"
        )
        lines.append(
            f"| gazetteer-edit rebuild / full ({re_extracted.group(1) if re_extracted else '?'} "
            f"files re-extracted) | {results['kg rebuild, gazetteer edit']['wall'] / full:.0%} | – |"
        )
        lines.append(
            f"| peak memory (PSS), half -> all files | "
            f"{memory['kg (half the files)']['peak_pss'] / 2**20:,.0f} -> "
            f"{memory['kg']['peak_pss'] / 2**20:,.0f} MiB | <= 1536 MiB |"
        )
        lines += ["", "kg stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items())]
        for name, runs in (
            ("kg", full_runs),
            ("kg +1% rebuild", added_runs),
            ("floor", floor_runs),
        ):
            if len(runs) > 1:
                walls = ", ".join(f"{r['wall']:.1f}" for r in runs)
                lines.append(f"{name} runs (s): {walls}; the median is used")
        lines.append("")
        table = "\n".join(lines)
        print(table)
        if args.markdown:
            with args.markdown.open("a", encoding="utf-8") as out:
                out.write("\n" + table)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
