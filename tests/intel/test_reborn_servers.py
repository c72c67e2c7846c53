"""Reborn servers and server risk on a synthetic world: every rebirth found top-1, no decoy (a
big ordinary server a few members joined, a sibling active at the same time, a copycat name)
called a rebirth; risk components explained."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from rempart.bench.intel import evaluate_rebirths
from rempart.intel.reborn import created_at, find_rebirths
from rempart.intel.servers import ServerView, assess
from rempart.sources.synthetic import snowflake


def test_every_rebirth_is_found_and_no_decoy_is_called_one() -> None:
    result = evaluate_rebirths(seed=7, families=8, ordinary=60)
    assert result["rebirths"] >= 8
    assert result["top1_found"] == result["rebirths"]
    assert result["decoys_called_reborn"] == 0
    assert result["false_reborn"] == 0, result["false"]


def _view(moment: datetime, number: int, members: set[str], **fields: object) -> ServerView:
    view = ServerView(snowflake(moment, number), members=members, **fields)  # type: ignore[arg-type]
    view.first_seen = moment
    view.last_seen = fields.get("last_seen", moment + timedelta(days=30))  # type: ignore[assignment]
    return view


def test_a_rebirth_needs_the_old_members_and_a_second_line_of_evidence() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    old_members = {f"m{n}" for n in range(40)}
    rules = "tribs en mp, prénom et photos aux modos, pas de leak"
    channels = {"1": "demandes", "2": "tribs", "3": "règles"}
    old = _view(start, 1, old_members, name="Les Cousines", rules_text=rules, channels=channels)
    moved = {f"m{n}" for n in range(30)}
    same = _view(
        start + timedelta(days=34),
        2,
        moved,
        name="Les Cousines 2",
        rules_text=rules,
        channels=dict(channels),
    )
    members_only = _view(
        start + timedelta(days=34),
        3,
        moved,
        name="Study group",
        rules_text="be kind",
        channels={"9": "maths"},
    )
    [rebirth] = find_rebirths([old, same, members_only])
    assert (rebirth.guild_id, rebirth.continues) == (same.guild_id, old.guild_id)
    assert rebirth.evidence["members_in_common"] == 30
    assert rebirth.evidence["days_between"] == 4.0
    assert rebirth.evidence["rules_similarity"] == 1.0


def test_a_server_opened_while_the_old_one_was_active_is_not_its_rebirth() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    members = {f"m{n}" for n in range(40)}
    old = _view(
        start,
        1,
        members,
        name="La Cave",
        rules_text="tribs en mp",
        last_seen=start + timedelta(days=60),
    )
    sibling = _view(
        start + timedelta(days=10), 2, members, name="La Cave bis", rules_text="tribs en mp"
    )
    assert find_rebirths([old, sibling]) == []


def test_created_at_reads_the_snowflake() -> None:
    moment = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    assert created_at(snowflake(moment, 5)) == moment
    assert created_at("not a snowflake") is None


def test_risk_shows_every_component_and_a_rules_page_lowers_nothing() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    abusive = _view(
        start,
        1,
        {f"m{n}" for n in range(20)},
        name="Tribs & Cousines",
        channels={"1": "demandes-tribs", "2": "leaks"},
        rules_text="pas de mineurs, on respecte le consentement",
        messages=100,
        signal_counts=Counter({"solicitation": 12, "minor": 1}),
        matched_media=2,
    )
    neighbour = _view(
        start, 2, {f"m{n}" for n in range(10)} | {"x1", "x2"}, name="Chill", messages=50
    )
    quiet = _view(start, 3, {"y1", "y2"}, name="Book club", messages=40)
    risks = {r.guild_id: r for r in assess([abusive, neighbour, quiet])}
    top = risks[abusive.guild_id]
    components = {r.component for r in top.reasons}
    assert {"name", "layout", "messages", "registered_media"} <= components
    assert top.level in {"high", "critical"}
    assert top.risk == min(100, sum(r.points for r in top.reasons))
    shared = risks[neighbour.guild_id]
    assert [r.component for r in shared.reasons] == ["shared_members"]
    assert "10 of 12 members" in shared.reasons[0].detail
    assert risks[quiet.guild_id].risk == 0 and risks[quiet.guild_id].level == "low"
    without_rules = assess(
        [
            _view(
                start,
                1,
                abusive.members,
                name=abusive.name,
                channels=abusive.channels,
                messages=100,
                signal_counts=abusive.signal_counts,
                matched_media=2,
            )
        ]
    )
    assert without_rules[0].risk <= top.risk
