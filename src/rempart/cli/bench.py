"""`rempart bench …`: benchmarks that run the anchor and Rempart side by side and print ratios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from rempart.cli.common import console, err_console

app = typer.Typer(
    help="Benchmarks against the anchor (python-threatexchange) / Bancs d'essai.",
    no_args_is_help=True,
)


@app.command("speed")
def speed(
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    large: Annotated[
        bool,
        typer.Option(
            "--large",
            help=(
                "Also lookups at 10M entries and the product path: a matcher from a PostgreSQL "
                "store of 10M PDQ entries and of 100,000 photos' local features (hours, ~12 GB "
                "RAM)."
            ),
        ),
    ] = False,
    images: Annotated[int, typer.Option(help="Images per hashing set.")] = 8,
    queries: Annotated[int, typer.Option(help="Lookup queries per size.")] = 1000,
    product_entries: Annotated[
        Optional[int],
        typer.Option(help="PDQ entries of the product-path store (10M with --large)."),
    ] = None,
    product_photos: Annotated[
        Optional[int],
        typer.Option(help="Photos of the product-path local-feature bank (100,000 with --large)."),
    ] = None,
    database_url: Annotated[
        Optional[str],
        typer.Option(
            help=(
                "PostgreSQL for the product path (default: a throwaway server started from the "
                "installed binaries)."
            )
        ),
    ] = None,
) -> None:
    """Hashing and lookup speed, Rempart vs python-threatexchange / Vitesse de hachage et de
    recherche."""
    from rempart.bench.speed import run_speed_bench

    sizes = [1_000_000, 10_000_000] if large else [1_000_000]
    entries = product_entries if product_entries is not None else 10_000_000 if large else 0
    photos = product_photos if product_photos is not None else 100_000 if large else 0
    report = run_speed_bench(
        images=images,
        lookup_sizes=sizes,
        queries=queries,
        log=lambda m: err_console.print(m, highlight=False),
        product_sizes=[entries] if entries else None,
        product_photos=photos,
        database_url=database_url,
    )
    if as_json:
        print(json.dumps(report, indent=2))
        return
    for name, row in report["hashing"].items():
        console.print(
            f"hashing {name}: bit-exact {row['rempart_bit_exact_img_s']:.1f} img/s "
            f"({row['bit_exact_same_hash_as_anchor']} same hash), rempart "
            f"{row['rempart_img_s']:.1f} img/s, anchor "
            f"{row['anchor_img_s']:.1f} img/s, "
            f"ratio {row['ratio_vs_anchor']:.1f}x; full decode alone "
            f"{row['decode_only_img_s']:.1f} img/s",
            highlight=False,
        )
    for size, row in report["lookup"].items():
        console.print(
            f"lookup {size}: rempart {row['rempart_ms_per_query']:.3f} ms/query, anchor "
            f"{row['anchor_ms_per_query']:.3f} ms/query, "
            f"ratio {row['ratio_vs_anchor']:.1f}x, recall {row['recall_vs_brute_force']}, "
            f"RSS +{row['rempart_rss_bytes'] / 1e6:.0f} MB (anchor "
            f"+{row['anchor_rss_bytes'] / 1e6:.0f} MB RSS; index arrays "
            f"{row['rempart_index_bytes'] / 1e6:.0f} MB)",
            highlight=False,
        )
    for size, row in report.get("product_path", {}).items():
        console.print(
            f"product path {size} ({row['store']}): lookup {row['product_lookup']['mean_ms']:.3f} "
            "ms vs bare index "
            f"{row['bare_lookup']['mean_ms']:.3f} ms "
            f"({row['lookup_ratio_product_vs_bare']:.2f}x; p95 "
            f"{row['lookup_ratios_product_vs_bare']['p95_ms']:.2f}x; to Match objects "
            f"{row['lookup_ratio_objects_vs_bare']:.2f}x), build {row['product_build_s']:.1f} s, "
            f"peak RSS {row['product_memory']['peak_rss_bytes'] / 2**30:.2f} GiB, same entries "
            f"{row['same_entries_as_bare_index']:.3f}",
            highlight=False,
        )
    if "product_local_features" in report:
        row = report["product_local_features"]
        console.print(
            f"local features {row['photos']} photos: build {row['build_s']:.1f} s, crop query p95 "
            f"{row['crop_query_cpu']['p95_ms']:.1f} ms CPU, "
            f"found {row['crops_found']}/{row['crops']}",
            highlight=False,
        )


@app.command("scan")
def scan_bench(
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    servers: Annotated[
        int, typer.Option(help="Synthetic servers to generate (2 channels each).")
    ] = 6,
    messages: Annotated[int, typer.Option(help="Messages per channel.")] = 60,
) -> None:
    """Archive-scan throughput (media/s) on synthetic exports / Débit d'analyse d'archives."""
    from rempart.bench.scan import run_scan_bench

    report = run_scan_bench(servers, messages, lambda m: err_console.print(m, highlight=False))
    if as_json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        console.print(f"{key}: {value}", highlight=False)


@app.command("robustness")
def robustness(
    directory: Annotated[
        Path, typer.Argument(help="Folder with originals/, queries and manifest.jsonl.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {family: {n, recall, false}} as JSON.")
    ] = False,
    anchor: Annotated[
        bool, typer.Option(help="Also score plain PDQ (the anchor) in the same run.")
    ] = True,
) -> None:
    """Per-family recall and false matches on a copy-detection set / Rappel et fausses
    correspondances par famille."""
    from rempart.bench.robustness import run_robustness

    report = run_robustness(
        directory, lambda m: err_console.print(m, highlight=False), with_anchor=anchor
    )
    if as_json:
        print(json.dumps(report["rempart"], indent=2))
        err_console.print(
            json.dumps({k: v for k, v in report.items() if k != "rempart"}, indent=2),
            highlight=False,
        )
        return
    anchor_scores = report.get("anchor_plain_pdq", {})
    console.print(
        f"{'family':<16}{'n':>5}{'recall':>9}{'false':>7}{'anchor recall':>15}{'anchor false':>14}"
    )
    for family, row in report["rempart"].items():
        a = anchor_scores.get(family, {})
        console.print(
            f"{family:<16}{row['n']:>5}{row['recall']:>9.2f}{row['false']:>7}"
            f"{a.get('recall', float('nan')):>15.2f}{a.get('false', 0):>14}",
            highlight=False,
        )
    console.print(
        f"images/s (one core, hashing + matching): {report['images_per_second']}", highlight=False
    )
    bot = report["bot_auto_delete"]
    console.print(
        f"bot deletes alone at PDQ distance <= {bot['auto_delete_at_most']}; closest PDQ "
        f"distance to a photo the query does not show: {bot['closest_wrong_pdq_distance']} "
        f"(margin {bot['margin_bits']} bits)",
        highlight=False,
    )
    console.print(f"{'family':<16}{'auto-delete':>12}{'wrong':>7}", highlight=False)
    for family, row in bot["families"].items():
        console.print(f"{family:<16}{row['auto']:>12.2f}{row['wrong']:>7}", highlight=False)


@app.command("fuzz")
def fuzz_command(
    seconds: Annotated[int, typer.Option("--seconds", help="Seconds per target.")] = 60,
    target: Annotated[
        Optional[list[str]],
        typer.Option(
            "--target",
            help=(
                "media, discord_export, zip, fingerprints, bank_file, protect (repeat; default "
                "all)."
            ),
        ),
    ] = None,
    work: Annotated[
        Optional[Path],
        typer.Option(
            "--work", help="Keep corpora and crashes here (a later run goes on from them)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Fuzz every parser an abuser can feed (atheris); prints executions and crashes / Fuzzing
    des analyseurs."""
    from rempart.bench.fuzz import fuzz

    results = fuzz(seconds, target, work, log=lambda m: err_console.print(m, highlight=False))
    if as_json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        console.print(f"{'target':<16}{'seconds':>9}{'executions':>13}{'exec/s':>10}{'crashes':>9}")
        for r in results:
            console.print(
                f"{r.target:<16}{r.seconds:>9.0f}{r.executions:>13}{r.executions_per_second:>10.0f}{r.crashes:>9}",
                highlight=False,
            )
    if any(r.crashes for r in results):
        raise typer.Exit(1)


@app.command("bot")
def bot(
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    burst: Annotated[int, typer.Option(help="Posts sent within one second.")] = 100,
    photos: Annotated[int, typer.Option(help="Registered photos (distinct content).")] = 10,
) -> None:
    """The Discord bot through a local fake of Discord: post-to-action latency, Rempart vs
    PDQ-only / Le bot Discord face à un faux Discord local : latence publication → action."""
    from rempart.bench.bot import run_bot_bench

    report = run_bot_bench(
        photos=photos, burst=burst, progress=lambda text: err_console.print(text, highlight=False)
    )
    if as_json:
        print(json.dumps(report, indent=2))
        return
    anchor = report["pdq_only"]
    console.print(
        f"burst of {report['burst_posts']} posts in 1 s, bot on one core "
        f"({report['registered_photos']} registered photos)",
        highlight=False,
    )
    console.print("figure\tRempart\tPDQ-only\tratio", highlight=False)
    for key in ("p50_ms", "p95_ms", "max_ms", "posts_per_s"):
        console.print(
            f"{key}\t{report[key]}\t{anchor[key]}\t{report['ratios'][key]}", highlight=False
        )
    for key in ("matching_acted", "matching_total", "unrelated_touched", "all_recorded_s"):
        console.print(f"{key}\t{report[key]}\t{anchor[key]}", highlight=False)


def _print_messages(name: str, result: dict[str, Any], how: str) -> None:
    console.print(
        f"{name}{how}: {result['messages']} messages, model trained on "
        f"{result['model_trained_on']:.0%} of them",
        highlight=False,
    )
    console.print("kind\tprecision\trecall\tpositives\tfalse positives", highlight=False)
    for kind, figures in result["kinds"].items():
        console.print(
            f"{kind}\t{figures['precision']}\t{figures['recall']}\t{figures['positives']}"
            f"\t{figures['false_positives']}",
            highlight=False,
        )
    for confusion in result["confusions"]:
        console.print(
            f"  {confusion['error']} {confusion['kind']}: {confusion['text']}", highlight=False
        )


@app.command("intel")
def intel(
    folder: Annotated[
        Path,
        typer.Argument(help='Folder of labelled messages (*.jsonl: {"text", "kinds"}).'),
    ] = Path("bench/intel"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic servers.")] = 1,
    held_out: Annotated[
        bool,
        typer.Option(
            "--held-out/--no-held-out",
            help="Also score each file the message model was trained on with a model trained "
            "without it / Aussi chaque fichier appris, par un modèle entraîné sans lui.",
        ),
    ] = True,
) -> None:
    """Message signals (precision, recall per kind, messages/s) and reborn servers (top-1, false
    rebirths) / Signaux des messages et serveurs recréés."""
    from rempart.bench.intel import run_intel_bench

    if not folder.is_dir():
        raise typer.BadParameter(f"not a folder: {folder}")
    report = run_intel_bench(folder, seed=seed, held_out=held_out)
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for name, result in report["messages"].items():
        _print_messages(name, result, "")
    for name, result in report.get("messages_held_out", {}).items():
        _print_messages(name, result, " (model trained without it)")
    speed = report["messages_per_s"]
    console.print(
        f"messages/s on one core: {speed['labelled_only']} (labelled only), "
        f"{speed['one_in_twenty_labelled']} (1 in 20 labelled, the rest everyday chat), "
        f"{speed['everyday_only']} (everyday chat only)",
        highlight=False,
    )
    for world in report["reborn"]:
        console.print(
            f"reborn: {world['servers']} servers, {world['rebirths']} rebirths, top-1 "
            f"{world['top1_found']}/{world['rebirths']}, decoys called reborn "
            f"{world['decoys_called_reborn']}/{world['decoys']}, false rebirths "
            f"{world['false_reborn']} ({world['false_reborn_rate']}), search "
            f"{world['search_seconds']} s",
            highlight=False,
        )
