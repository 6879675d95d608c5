"""The `kg` command: each subcommand is a few lines over one library call.

Options are gathered into library objects here (:class:`kg.pipeline.BuildOptions`), so the
library never sees click. A :class:`kg.errors.KgError` becomes one ``Error: ...`` line and
exit code 1; usage mistakes are click's exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg import __version__
from kg.errors import KgError


def _fail(err: Exception) -> None:
    raise click.ClickException(str(err)) from err


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build a knowledge graph of the people, institutions and places in Chinese news."""


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--gazetteer", "-g", default="gazetteer", show_default=True, help="Gazetteer folder.")
@click.option("--out", "-o", default="output", show_default=True, help="Output folder.")
@click.option("--jobs", "-j", default=0, help="Worker processes (default: one per core).")
@click.option("--strict", is_flag=True, help="Exit with an error when any file is skipped.")
@click.option("--no-cache", is_flag=True, help="Ignore and rebuild the cache of unchanged files.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--max-nodes", default=250, show_default=True, help="Node budget of graph.html.")
@click.option(
    "--view",
    type=click.Choice(["auto", "entities", "articles", "all"]),
    default="auto",
    show_default=True,
    help="What graph.html draws.",
)
@click.option(
    "--focus", default=None, help="Draw one entity's neighbourhood (id or name) in graph.html."
)
@click.option(
    "--base", default="https://example.org/kg/", show_default=True, help="Base of the RDF IRIs."
)
@click.option(
    "--rdf-format",
    type=click.Choice(["turtle", "ntriples", "jsonld"]),
    default="turtle",
    show_default=True,
    help="RDF serialisation.",
)
@click.option(
    "--min-co-mentions",
    default=2,
    show_default=True,
    help="Articles two entities must share to be linked as co-mentioned.",
)
def build(
    inputs,
    gazetteer,
    out,
    jobs,
    strict,
    no_cache,
    quiet,
    max_nodes,
    view,
    focus,
    base,
    rdf_format,
    min_co_mentions,
) -> None:
    """Build the graph of the articles in INPUTS (files or folders; default: seeds/)."""
    from kg.pipeline import BuildOptions
    from kg.pipeline import build as run_build

    options = BuildOptions(
        gazetteer=gazetteer, out=out, jobs=jobs, strict=False, cache=not no_cache,
        progress=not quiet and sys.stderr.isatty(), max_nodes=max_nodes, view=view,
        focus=focus, base=base, rdf_format=rdf_format, min_co_mentions=min_co_mentions,
    )  # fmt: skip
    try:
        result = run_build(list(inputs) or ["seeds"], options=options)
    except KgError as err:
        _fail(err)
    c = result.counts
    if not quiet:
        _warn_skipped(result.report["skipped"], Path(out) / "report.json")
        click.echo(
            f"{c['files']} files: {c['articles']} articles read, {c['skipped']} skipped; "
            f"{c['mentions']} mentions of {c['entities']} entities; "
            f"{c['related_links']} related links ({c['related_in_input']} to articles in the input)",
            err=True,
        )
        if result.up_to_date:
            click.echo("outputs up to date: nothing changed since the last build", err=True)
        else:
            rechecked = (
                f" ({result.rechecked} checked against the gazetteer edit)"
                if result.rechecked
                else ""
            )
            resumed = (
                f"; the reduce resumed after the last build's {result.resumed}"
                if result.resumed
                else ""
            )
            click.echo(
                f"{result.extracted} files extracted, {c['files'] - result.extracted} "
                f"from the cache{rechecked}{resumed}",
                err=True,
            )
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
        click.echo(f"timings: {stages}", err=True)
        click.echo(
            f"wrote {out}/: " + ", ".join(sorted(p.name for p in result.outputs.values())), err=True
        )
    if strict and c["skipped"]:
        raise click.ClickException(f"{c['skipped']} of {c['files']} files skipped (--strict)")


SKIPPED_SHOWN = 20
"""Skipped files named on the terminal; an archive can skip hundreds, all in report.json."""


def _warn_skipped(skipped: list[dict], report: Path) -> None:
    for file in skipped[:SKIPPED_SHOWN]:
        click.echo(f"warning: {file['path']}: {file['reason']}", err=True)
    if len(skipped) > SKIPPED_SHOWN:
        click.echo(
            f"warning: {len(skipped) - SKIPPED_SHOWN} more files skipped; {report} lists "
            f"all {len(skipped)} with the reason",
            err=True,
        )


@cli.command()
@click.argument("sparql")
@click.option(
    "--data", "-d", default="output/graph.ttl", show_default=True, help="RDF file to query."
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def query(sparql, data, fmt) -> None:
    """Run a SPARQL query (text or a .rq file) on the RDF export."""
    from kg.query import query as run_query
    from kg.query import read_query

    try:
        click.echo(run_query(read_query(sparql), data).to_text(fmt))
    except KgError as err:
        _fail(err)


@cli.command()
@click.argument("out", default="output")
@click.option("--top", default=10, show_default=True, help="How many entities per list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(out, top, as_json) -> None:
    """Counts, top entities, centrality and communities of a built graph."""
    from kg.analysis import graph_stats, stats_text
    from kg.pipeline import load

    try:
        summary = graph_stats(load(out), top=top)
    except KgError as err:
        _fail(err)
    click.echo(
        json.dumps(summary, ensure_ascii=False, indent=1) if as_json else stats_text(summary)
    )


@cli.command()
@click.argument("out", default="output")
@click.option(
    "--to",
    "formats",
    multiple=True,
    required=True,
    type=click.Choice(["graphml", "gexf", "json", "ntriples", "jsonld", "turtle"]),
    help="Format(s) to write next to the build.",
)
@click.option(
    "--base", default="https://example.org/kg/", show_default=True, help="Base of the RDF IRIs."
)
def export(out, formats, base) -> None:
    """Write a built graph in more formats: GraphML and GEXF (Gephi, yEd), RDF variants."""
    from kg.export.convert import export_formats
    from kg.pipeline import load

    try:
        written = export_formats(load(out), Path(out), formats, base)
    except KgError as err:
        _fail(err)
    for path in written:
        click.echo(str(path))


@cli.group()
def gazetteer() -> None:
    """Check, count, list and grow the gazetteer."""


@gazetteer.command()
@click.option("--gazetteer", "-g", "path", default="gazetteer", show_default=True)
def check(path) -> None:
    """Validate the gazetteer: schema, ids, shared names, common words."""
    from kg.gazetteer import check as run_check

    try:
        problems = run_check(path)
    except KgError as err:
        _fail(err)
    for problem in problems:
        click.echo(str(problem))
    errors = sum(1 for p in problems if p.level == "error")
    click.echo(f"{errors} errors, {len(problems) - errors} warnings", err=True)
    if errors:
        sys.exit(1)


@gazetteer.command(name="stats")
@click.option("--gazetteer", "-g", "path", default="gazetteer", show_default=True)
def gazetteer_stats(path) -> None:
    """Counts by type and region, names per entity."""
    from kg.gazetteer import load, stats

    try:
        click.echo(json.dumps(stats(load(path)), ensure_ascii=False, indent=1))
    except KgError as err:
        _fail(err)


@gazetteer.command()
@click.option("--gazetteer", "-g", "path", default="gazetteer", show_default=True)
def names(path) -> None:
    """Every searched name in both scripts: NAME<TAB>TYPE per line."""
    from kg.gazetteer import load

    try:
        rows = load(path).names()
    except KgError as err:
        _fail(err)
    click.echo("".join(f"{name}\t{type_}\n" for name, type_ in rows), nl=False)


@gazetteer.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--gazetteer", "-g", "path", default="gazetteer", show_default=True)
@click.option("--top", default=200, show_default=True, help="How many suggestions.")
@click.option("--sample", default=None, type=int, help="Mine only this many articles.")
@click.option("--jobs", "-j", default=0, help="Worker processes (default: one per core).")
def suggest(corpus, path, top, sample, jobs) -> None:
    """Mine CORPUS for frequent names the gazetteer lacks, as YAML records to review."""
    from kg.gazetteer import load
    from kg.suggest import suggest as run_suggest
    from kg.suggest import to_yaml

    try:
        suggestions = run_suggest(list(corpus), load(path), top=top, sample=sample, jobs=jobs)
    except KgError as err:
        _fail(err)
    click.echo(to_yaml(suggestions), nl=False)


def main() -> None:
    """Entry point of the `kg` console script."""
    cli(prog_name="kg")
