"""The columnar ranking of a lookup's rows against the rule written on `Match` objects."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rempart.index.matcher import MatchTable, Snapshot, State, _best_per_entry, _order
from rempart.signals.fingerprint import Fingerprint, SignalValue

BANKS = (("victims", "helpline"), ("helpline", "archive", "victims"))
SIGNALS = ("pdq", "pdq", "orb", "sha256")

row = st.tuples(
    st.integers(0, 1),  # snapshot
    st.integers(0, 3),  # query value
    st.integers(1, 6),  # entry
    st.integers(0, 31),  # distance
    st.integers(8, 60),  # inliers (local features only)
    st.booleans(),  # low quality
)


def _table(rows: list[tuple[int, int, int, int, int, int, bool]]) -> MatchTable:
    """Rows are (snapshot, value, entry, distance, inliers, bank code, low quality)."""
    snapshots = tuple(Snapshot({}, {}, banks, ("original", "mirror")) for banks in BANKS)
    values = tuple(
        SignalValue(signal, "00", 100, f"v{number}") for number, signal in enumerate(SIGNALS)
    )
    table = MatchTable(snapshots, Fingerprint("query", "photo", values=values))
    for snapshot, value, entry, distance, inliers, bank, low in rows:
        local = SIGNALS[value] == "orb"
        table.add(
            snapshot,
            value,
            np.array([entry], np.int64),
            np.array([0 if SIGNALS[value] == "sha256" else distance if not local else -1]),
            np.array([inliers if local else -1]),
            np.array([low]),
            np.array([bank], np.int32),
            np.array([entry % 2], np.int32),
        )
    return table


@settings(max_examples=300, deadline=None)
@given(st.lists(row, max_size=40))
def test_ranked_columns_equal_the_rule_on_objects(
    drawn: list[tuple[int, int, int, int, int, bool]],
) -> None:
    # an entry belongs to one bank, whatever snapshot holds it (as in a store)
    rows = [
        (s, v, e, d, i, BANKS[s].index(("victims", "helpline")[e % 2]), low)
        for s, v, e, d, i, low in drawn
    ]
    ranks = State(
        Snapshot({}, {}, BANKS[0], ()),
        (Snapshot({}, {}, BANKS[1], ()),),
        (),
        frozenset(),
        {},
        0,
    ).bank_ranks
    ranked = _table(rows).ranked(ranks)
    expected = _best_per_entry(_table(rows).matches())
    found = ranked.matches()
    # the same best match per (entry, signal); closest first (rows equal on every ordering field,
    # say an exact digest and a PDQ at 0 bits of one entry, may come in either order)
    assert sorted(found) == sorted(expected)
    assert [_order(m) for m in found] == sorted(_order(m) for m in found)
    assert ranked.entry_ids.tolist() == [m.entry_id for m in found]
    assert len(ranked) == len(expected)
