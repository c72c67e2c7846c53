"""The benchmark machinery itself (not timings): results are exact and the report is complete."""

from rempart.bench.codes import clustered_codes, codes_to_hex
from rempart.bench.speed import bench_lookup
from rempart.index.hamming import codes_from_hex


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
