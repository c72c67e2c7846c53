import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rempart.bench.codes import clustered_codes, flip_bits, lookup_queries
from rempart.index.hamming import HammingIndex, choose_plan, codes_from_hex, plan_chunks


def _brute(codes: np.ndarray, query: np.ndarray, radius: int) -> dict[int, int]:
    distances = np.array(
        [sum(bin(int(a ^ b)).count("1") for a, b in zip(row, query)) for row in codes]
    )
    return {int(i): int(distances[i]) for i in np.nonzero(distances <= radius)[0]}


@pytest.mark.parametrize("chunks", range(8, 33))
@pytest.mark.parametrize("radius", [0, 10, 31, 40])
def test_every_plan_satisfies_the_pigeonhole_bound(chunks: int, radius: int) -> None:
    plan = plan_chunks(chunks, radius)
    assert sum(plan.widths) == 256
    assert sum(t + 1 for t in plan.radii) > radius  # some chunk is within t_j whenever d <= radius
    assert plan.starts[0] == 0 and all(
        plan.starts[j] + plan.widths[j] == plan.starts[j + 1] for j in range(chunks - 1)
    )


def test_the_planner_scans_small_sets_and_indexes_large_ones() -> None:
    assert choose_plan(1000, 31) is None
    big = choose_plan(10_000_000, 31)
    assert big is not None and big.offsets_bytes() <= 16 * 10_000_000


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    chunks=st.sampled_from(
        [11, 12, 13, 16, 20, 32]
    ),  # every chunk count a plan may use (widths ≤ 24 bits)
    radius=st.integers(0, 40),
    n=st.integers(1, 3000),
)
def test_multi_index_recall_is_exactly_brute_force(
    seed: int, chunks: int, radius: int, n: int
) -> None:
    """Property: on clustered codes, every plan returns exactly the brute-force result set and
    distances."""
    codes = clustered_codes(n, seed=seed % 1000)
    plan = plan_chunks(chunks, radius)
    assume(max(plan.radii) <= 3)  # choose_plan never probes further: not a plan the index uses
    index = HammingIndex(np.ascontiguousarray(codes), radius, plan)
    rng = np.random.default_rng(seed)
    for query in lookup_queries(codes, 8, seed=seed):
        rows, distances = index.query(query)
        assert dict(zip(rows.tolist(), distances.tolist())) == _brute(codes, query, radius)
        assert list(distances) == sorted(distances)
    exact = codes[rng.integers(n)]
    rows, distances = index.query(flip_bits(exact, min(radius, 5), rng))
    assert len(rows) >= 1


def test_queries_at_exact_radius_boundary() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)
    codes = np.stack([flip_bits(base, d, rng) for d in range(0, 64)])
    filler = rng.integers(0, 2**64 - 1, size=(70_000, 4), dtype=np.uint64, endpoint=True)
    everything = np.concatenate([codes, filler])
    index = HammingIndex.build(everything, 31)
    assert index.plan is not None  # large enough to use tables
    rows, distances = index.query(base)
    near = {r for r, d in zip(rows.tolist(), distances.tolist()) if r < 64}
    assert near == set(range(32))
    assert set(_brute(everything, base, 31)) == set(rows.tolist())


def test_radius_above_build_radius_falls_back_to_a_scan() -> None:
    codes = clustered_codes(70_000, seed=9)
    index = HammingIndex.build(codes, 20)
    query = lookup_queries(codes, 1, seed=2)[0]
    rows, _ = index.query(query, radius=45)
    assert set(rows.tolist()) == set(index.query_brute(query, 45)[0].tolist())


def test_many_results_grow_the_buffer() -> None:
    base = np.zeros(4, dtype=np.uint64)
    rng = np.random.default_rng(1)
    codes = np.stack([flip_bits(base, int(rng.integers(0, 10)), rng) for _ in range(5000)])
    index = HammingIndex.build(codes, 31, method="mih")
    rows, _ = index.query(base)
    assert len(rows) == 5000


def test_codes_from_hex_reads_threatexchange_hex() -> None:
    hex_value = "f" * 16 + "0" * 16 + "8" + "0" * 15 + "0" * 15 + "1"
    codes = codes_from_hex([hex_value])
    assert codes.shape == (1, 4)
    assert codes[0, 0] == np.uint64(2**64 - 1) and codes[0, 1] == 0
    assert codes[0, 2] == np.uint64(1 << 63) and codes[0, 3] == 1
