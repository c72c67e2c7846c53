"""`rempart bench …`: benchmarks that run the anchor and Rempart side by side and print ratios."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rempart.cli.common import console, err_console

app = typer.Typer(help="Benchmarks against the anchor (python-threatexchange) / Bancs d'essai.", no_args_is_help=True)


@app.command("speed")
def speed(
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    large: Annotated[bool, typer.Option("--large", help="Also run lookups at 10M entries (~10 minutes, ~10 GB RAM).")] = False,
    images: Annotated[int, typer.Option(help="Images per hashing set.")] = 8,
    queries: Annotated[int, typer.Option(help="Lookup queries per size.")] = 1000,
) -> None:
    """Hashing and lookup speed, Rempart vs python-threatexchange / Vitesse de hachage et de recherche."""
    from rempart.bench.speed import run_speed_bench

    sizes = [1_000_000, 10_000_000] if large else [1_000_000]
    report = run_speed_bench(images=images, lookup_sizes=sizes, queries=queries, log=lambda m: err_console.print(m, highlight=False))
    if as_json:
        print(json.dumps(report, indent=2))
        return
    for name, row in report["hashing"].items():
        console.print(
            f"hashing {name}: rempart {row['rempart_img_s']:.1f} img/s, anchor {row['anchor_img_s']:.1f} img/s, "
            f"ratio {row['ratio_vs_anchor']:.1f}x; full decode alone {row['decode_only_img_s']:.1f} img/s",
            highlight=False,
        )
    for size, row in report["lookup"].items():
        console.print(
            f"lookup {size}: rempart {row['rempart_ms_per_query']:.3f} ms/query, anchor {row['anchor_ms_per_query']:.3f} ms/query, "
            f"ratio {row['ratio_vs_anchor']:.1f}x, recall {row['recall_vs_brute_force']}, "
            f"memory {row['rempart_index_bytes'] / 1e6:.0f} MB (anchor +{row['anchor_rss_bytes'] / 1e6:.0f} MB RSS)",
            highlight=False,
        )
