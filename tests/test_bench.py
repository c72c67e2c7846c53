"""The benchmark machinery itself (not timings): results are exact and the report is complete."""

import pytest

from rempart.bench.codes import clustered_codes, codes_to_hex
from rempart.bench.speed import bench_lookup
from rempart.index.hamming import codes_from_hex

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


def test_codes_to_hex_round_trips() -> None:
    codes = clustered_codes(50, seed=4)
    assert (codes_from_hex(codes_to_hex(codes)) == codes).all()


def test_lookup_bench_checks_recall_and_agrees_with_the_anchor() -> None:
    report = bench_lookup(80_000, 60, log=lambda _m: None)
    assert report["recall_vs_brute_force"] == 1.0
    assert report["false_results_vs_brute_force"] == 0
    assert report["brute_force_true_results"] > 0
    assert report["same_results_as_anchor"] == 1.0
    assert report["ratio_vs_anchor"] > 0 and report["rempart_index_bytes"] > 80_000 * 32


def test_scan_bench_finds_every_sighting_and_reports_rates() -> None:
    from rempart.bench.scan import run_scan_bench

    report = run_scan_bench(servers=2, messages=13, log=lambda _m: None)
    assert (
        report["sightings_found"] == report["sightings_expected"] > 0
        and report["sightings_wrong"] == 0
    )
    assert (
        report["media_references"]
        == report["media_hashed"] + report["media_unavailable"] + report["media_failed"]
    )
    assert report["media_per_second"] > 0 and report["anchor_pdq_only_media_per_second"] > 0


def test_product_path_bench_builds_from_postgresql_and_agrees_with_the_bare_index(
    fresh_postgres_url: str,
) -> None:
    from rempart.bench.product import bench_product_path

    report = bench_product_path(3000, 40, log=lambda _m: None, database_url=fresh_postgres_url)
    assert report["store"] == "postgresql" and 2900 <= report["entries"] <= 3000
    assert report["same_entries_as_bare_index"] == 1.0  # every lookup finds the same entries
    assert report["product_lookup"]["p95_ms"] > 0 and report["bare_lookup"]["p95_ms"] > 0
    assert report["product_lookup_objects"]["p95_ms"] > 0
    assert set(report["lookup_ratios_product_vs_bare"]) == {"mean_ms", "p50_ms", "p95_ms"}
    assert report["database_bytes"] > 0 and report["product_memory"]["peak_rss_bytes"] > 0


def test_local_bank_bench_finds_its_crops(fresh_postgres_url: str) -> None:
    from rempart.bench.product import bench_local_bank

    report = bench_local_bank(12, 6, log=lambda _m: None, database_url=fresh_postgres_url)
    assert report["crops"] == 6 and report["crops_found"] == 6
    assert report["crop_query_cpu"]["p95_ms"] > 0
