"""The bot end to end: the real discord.py client against the fake Discord on loopback, with
real media, the real store, matcher and vault."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bot_harness import BotRun, bot_settings
from PIL import Image
from sqlalchemy import func, select

from rempart.bench.fake_discord import FakeDiscord
from rempart.bot.policy import Policies
from rempart.samples import altered_copies, save_jpeg, synthetic_photo, textured_photo
from rempart.signals.fingerprint import fingerprint_file
from rempart.store import Consent, Store
from rempart.store.models import AuditRow, BotItemRow, ScanMatchRow, ScannedFileRow, SightingRow


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def victim(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("victim")
    photo = synthetic_photo(11)
    textured = textured_photo(12, (900, 1200))
    return {
        "photo": save_jpeg(photo, folder / "photo.jpg"),
        "textured": save_jpeg(textured, folder / "textured.jpg"),
        "caption": _jpeg(altered_copies(photo)["caption"], 70),
        "crop": _jpeg(textured.crop((180, 240, 720, 960))),
        "unrelated": _jpeg(synthetic_photo(900)),
    }


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeDiscord]:
    with FakeDiscord(tmp_path) as running:
        yield running


@pytest.fixture
def world(fake: FakeDiscord) -> dict[str, str]:
    return fake.add_guild("Serveur test", ["general", "moderation"])


def _register(store: Store, *paths: Path) -> None:
    store.create_bank("victims")
    store.add_fingerprints(
        "victims",
        [fingerprint_file(p, store.settings, register=True) for p in paths],
        consent=Consent("self", "test"),
    )


@pytest.fixture
def run(fake: FakeDiscord, tmp_path: Path, victim: dict[str, Any]) -> Iterator[BotRun]:
    settings = bot_settings(fake, tmp_path / "data")
    with BotRun(settings) as running:
        _register(running.store, victim["photo"], victim["textured"])
        running.bot.matcher.changed()  # type: ignore[union-attr]
        yield running


def _outcome(run: BotRun, message_id: str) -> list[tuple[str, str]]:
    with run.store.session() as session:
        return [
            (str(s), str(o))
            for s, o in session.execute(
                select(BotItemRow.state, BotItemRow.outcome).where(
                    BotItemRow.message_id == message_id
                )
            )
        ]


def _wait_done(fake: FakeDiscord, run: BotRun, message_id: str, items: int = 1) -> list:
    return fake.wait_for(
        lambda: (
            (done := _outcome(run, message_id))
            and len(done) >= items
            and all(state != "pending" for state, _ in done)
            and done
        )
    )


def _post(fake: FakeDiscord, world: dict[str, str], *attachments: dict, **extra: Any) -> dict:
    return fake.post(
        fake.message(
            world["guild"],
            world["general"],
            extra.pop("author", None) or fake.member("poster"),
            attachments=list(attachments),
            **extra,
        )
    )


def test_a_matching_image_is_preserved_then_deleted_with_a_reason_and_moderators_alerted(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(
        world["guild"], "test", mode="delete", alert_channel_id=world["moderation"]
    )
    author = fake.member("stalker")
    posted = fake.post(
        fake.message(
            world["guild"],
            world["general"],
            author,
            content="regardez",
            attachments=[fake.attachment("IMG_2024.jpg", victim["caption"])],
        )
    )
    deleted = fake.wait_for(lambda: fake.deleted(posted["id"]))
    assert "Rempart" in deleted.reason and "victims" in deleted.reason
    assert _wait_done(fake, run, posted["id"]) == [("done", "deleted")]
    with run.store.session() as session:
        actions = [
            a
            for (a,) in session.execute(select(AuditRow.action).order_by(AuditRow.seq))
            if a in {"evidence.preserve", "bot.delete"}
        ]
        assert actions == ["evidence.preserve", "bot.delete"]  # preserved first
        sighting = session.scalars(select(SightingRow)).one()
        assert sighting.object_name is not None
    alert = fake.wait_for(
        lambda: fake.calls_to("POST", f"/channels/{world['moderation']}/messages")
    )
    body = alert[0].body
    # in the server's language (the fake server prefers French)
    assert "photo enregistrée" in body["content"] and f"<#{world['general']}>" in body["content"]
    assert "https://rempart.example.org/review" in body["content"]
    assert "attachments" not in body and "embeds" not in body  # never the picture


def test_an_unrelated_image_is_untouched_and_nothing_of_it_is_stored(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    posted = _post(fake, world, fake.attachment("cat.jpg", victim["unrelated"]))
    assert _wait_done(fake, run, posted["id"]) == [("done", "no-match")]
    assert fake.calls_to("DELETE", "/messages/") == []
    with run.store.session() as session:
        assert session.scalar(select(func.count()).select_from(SightingRow)) == 0
        assert session.scalar(select(func.count()).select_from(ScannedFileRow)) == 0
        assert session.scalar(select(BotItemRow.pending)) is None
    vault = run.settings.resolved_vault_dir
    assert not vault.exists() or not any(p.is_file() for p in vault.rglob("*"))
    assert run.bot is not None and not any(run.bot.processor.folder.iterdir())


def test_a_crop_found_by_local_features_goes_to_review_only(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    posted = _post(fake, world, fake.attachment("crop.jpg", victim["crop"]))
    assert _wait_done(fake, run, posted["id"]) == [("done", "review")]
    assert fake.deleted(posted["id"]) is None
    with run.store.session() as session:
        signals = set(session.scalars(select(ScanMatchRow.signal)))
        assert "orb" in signals and not signals & {"pdq", "sha256"}
        assert session.scalar(select(func.count()).select_from(SightingRow)) == 1


def test_a_video_showing_her_photo_is_found_and_acted_on(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any], tmp_path: Path
) -> None:
    from support import still_video

    Policies(run.store).set(world["guild"], "test", mode="review")
    clip = still_video(tmp_path / "clip.mp4", [None, victim["photo"], victim["photo"], None])
    posted = _post(fake, world, fake.attachment("clip.mp4", clip.read_bytes(), "video/mp4"))
    [(state, outcome)] = _wait_done(fake, run, posted["id"])
    assert state == "done" and outcome in {"hidden", "review"}
    with run.store.session() as session:
        assert "video_pdq" in set(session.scalars(select(ScanMatchRow.signal)))
        assert session.scalar(select(func.count()).select_from(SightingRow)) == 1


def test_a_forwarded_message_and_an_edit_that_adds_a_picture_are_checked(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    forwarded = _post(
        fake,
        world,
        snapshots=[fake.snapshot(attachments=[fake.attachment("fwd.jpg", victim["caption"])])],
    )
    assert fake.wait_for(lambda: fake.deleted(forwarded["id"]))
    text_only = _post(fake, world, content="attendez la suite")
    fake.edit({**text_only, "attachments": [fake.attachment("later.jpg", victim["caption"])]})
    assert fake.wait_for(lambda: fake.deleted(text_only["id"]))
    assert _wait_done(fake, run, text_only["id"]) == [("done", "deleted")]


def test_a_huge_and_a_broken_file_fail_alone_with_a_reason(
    fake: FakeDiscord, world: dict[str, str], tmp_path: Path, victim: dict[str, Any]
) -> None:
    settings = bot_settings(fake, tmp_path / "data", max_file_bytes=1_000_000)
    with BotRun(settings) as run:
        _register(run.store, victim["photo"])
        run.bot.matcher.changed()  # type: ignore[union-attr]
        Policies(run.store).set(world["guild"], "test", mode="delete")
        huge = fake.attachment("huge.jpg", b"\xff\xd8\xff" + b"\0" * 1_500_000)
        undeclared = fake.attachment("big.jpg", b"\xff\xd8\xff" + b"\0" * 1_200_000)
        undeclared["size"] = 1000  # a lying size: the download itself stops at the limit
        broken = fake.attachment("broken.jpg", victim["caption"][:2000])
        posted = _post(fake, world, huge, undeclared, broken)
        done = dict(
            (key, (state, outcome))
            for key, state, outcome in fake.wait_for(lambda: _done_items(run, posted["id"], 3))
        )
        assert done[f"a{huge['id']}"][0] == "failed" and "size limit" in done[f"a{huge['id']}"][1]
        assert "size limit" in done[f"a{undeclared['id']}"][1]
        assert done[f"a{broken['id']}"][0] == "failed"
        after = _post(fake, world, fake.attachment("ok.jpg", victim["caption"]))
        assert fake.wait_for(lambda: fake.deleted(after["id"]))  # the bot goes on


def _done_items(run: BotRun, message_id: str, count: int) -> list[tuple[str, str, str]]:
    with run.store.session() as session:
        rows = [
            (str(k), str(s), str(o))
            for k, s, o in session.execute(
                select(BotItemRow.item_key, BotItemRow.state, BotItemRow.outcome).where(
                    BotItemRow.message_id == message_id
                )
            )
        ]
    return rows if len(rows) == count and all(s != "pending" for _, s, _ in rows) else []


def test_a_dropped_connection_resumes_and_loses_or_repeats_nothing(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    first = _post(fake, world, fake.attachment("a.jpg", victim["caption"]))
    fake.wait_for(lambda: fake.deleted(first["id"]))
    fake.drop()
    during = [_post(fake, world, fake.attachment(f"{n}.jpg", victim["caption"])) for n in range(3)]
    fake.wait_for(lambda: fake.resumes >= 1 and fake.connected)
    for message in during:
        fake.wait_for(lambda message=message: fake.deleted(message["id"]))
    fake.post(first)  # Discord redelivers a message: processed once
    run.settle()
    later = _post(fake, world, fake.attachment("z.jpg", victim["unrelated"]))
    _wait_done(fake, run, later["id"])
    assert fake.identifies == 1 and fake.resumes == 1
    assert len(fake.calls_to("DELETE", f"/messages/{first['id']}")) == 1
    assert all(len(fake.calls_to("DELETE", f"/messages/{m['id']}")) == 1 for m in during)


def test_the_cdn_failing_then_recovering_is_retried_and_recorded(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    flaky = fake.attachment("flaky.jpg", victim["caption"])
    path = flaky["url"].split("127.0.0.1:")[1].split("/", 1)[1].split("?")[0]
    fake.cdn_failures["/" + path] = [404, 503, 0, 403]  # 0: no answer (a timeout)
    gone = fake.attachment("gone.jpg", victim["caption"])
    gone_path = "/" + gone["url"].split("127.0.0.1:")[1].split("/", 1)[1].split("?")[0]
    fake.cdn_failures[gone_path] = [404] * 10
    posted = _post(fake, world, flaky)
    assert fake.wait_for(lambda: fake.deleted(posted["id"]))
    with run.store.session() as session:
        attempts = session.scalar(
            select(BotItemRow.attempts).where(BotItemRow.message_id == posted["id"])
        )
    assert attempts == 4
    lost = _post(fake, world, gone)
    [(state, outcome)] = _wait_done(fake, run, lost["id"])
    assert state == "failed" and "HTTP 404" in outcome
    assert sum(1 for p, _, _ in fake.cdn_requests if p == gone_path) == 5  # bounded


def _command(name: str, **options: Any) -> dict[str, Any]:
    types = {str: 3, int: 4, bool: 5}
    return {
        "id": "1",
        "name": "rempart",
        "type": 1,
        "options": [
            {
                "name": name,
                "type": 1,
                "options": [
                    {"name": k, "type": 7 if k == "alert_channel" else types[type(v)], "value": v}
                    for k, v in options.items()
                ],
            }
        ],
    }


def test_policy_needs_manage_server_and_status_tells_banks_and_counts(
    fake: FakeDiscord, world: dict[str, str], run: BotRun
) -> None:
    member = fake.member("member")
    refused = fake.interact(
        world["guild"], world["general"], member, _command("policy", mode="log"), permissions=0
    )
    answer = fake.wait_for(lambda: fake.responses(refused))
    assert "Manage Server" in answer[0].body["data"]["content"]
    assert Policies(run.store).get(world["guild"]).mode == "review"
    data = _command("policy", mode="delete", alert_channel=world["moderation"], timeout_minutes=60)
    data["resolved"] = {
        "channels": {
            world["moderation"]: {
                "id": world["moderation"],
                "type": 0,
                "name": "moderation",
                "permissions": "8",
                "guild_id": world["guild"],
            }
        }
    }
    allowed = fake.interact(
        world["guild"], world["general"], member, data, permissions=1 << 5, locale="fr"
    )
    answer = fake.wait_for(lambda: fake.responses(allowed))
    assert "Politique : delete" in answer[0].body["data"]["content"]
    policy = Policies(run.store).get(world["guild"])
    assert (policy.mode, policy.alert_channel_id, policy.timeout_minutes) == (
        "delete",
        world["moderation"],
        60,
    )
    status = fake.interact(world["guild"], world["general"], member, _command("status"))
    text = fake.wait_for(lambda: fake.responses(status))[0].body["data"]["content"]
    assert "victims (2)" in text and "Policy: delete" in text
    assert answer[0].body["data"]["flags"] & 64  # ephemeral


def test_report_to_rempart_preserves_and_queues_with_the_same_answer_match_or_not(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    from rempart.bot.reports import Reports

    Policies(run.store).set(world["guild"], "test", mode="log")
    reporter = fake.member("witness")
    answers = []
    for picture in ("unrelated", "caption"):
        message = fake.message(
            world["guild"],
            world["general"],
            fake.member("poster"),
            attachments=[fake.attachment(f"{picture}.jpg", victim[picture])],
        )
        interaction = fake.use_message_menu("Report to Rempart", reporter, message)
        calls = fake.wait_for(
            lambda i=interaction: len(fake.responses(i)) >= 2 and fake.responses(i)
        )
        answers.append(calls[-1].body["content"])
    assert answers[0] == answers[1] and "1 media" in answers[0]
    pending = Reports(run.store).pending()
    assert [(r.media, r.matched) for r in pending] == [(1, 0), (1, 1)]
    with run.store.session() as session:
        assert session.scalar(select(func.count()).select_from(SightingRow)) == 2
    assert fake.calls_to("DELETE", "/messages/") == []  # a report never deletes


def test_a_restart_finishes_what_a_crash_left_pending(
    fake: FakeDiscord, world: dict[str, str], tmp_path: Path, victim: dict[str, Any]
) -> None:
    import os

    from rempart.bot.checker import Seen
    from rempart.bot.intake import MediaItem
    from rempart.bot.ledger import Ledger

    settings = bot_settings(fake, tmp_path / "data")
    attachment = fake.attachment("IMG.jpg", victim["caption"])
    message = fake.message(world["guild"], world["general"], fake.member("poster"))
    store = Store.open(settings)  # the run that crashed: claimed, never finished
    try:
        _register(store, victim["photo"])
        Policies(store).set(world["guild"], "test", mode="delete")
        seen = Seen(
            world["guild"],
            "Serveur test",
            world["general"],
            "general",
            message["id"],
            message["author"]["id"],
            "poster",
            "",
            "",
            __import__("datetime").datetime.now(),
        )
        item = MediaItem(f"a{attachment['id']}", attachment["url"], "attachment", "IMG.jpg")
        assert Ledger(store, f"{os.uname().nodename}:0").claim(
            message["id"],
            item.key,
            world["guild"],
            world["general"],
            {"seen": seen.as_dict(), "item": item.__dict__},
        )
    finally:
        store.close()
    with BotRun(settings) as run:
        assert fake.wait_for(lambda: fake.deleted(message["id"]))
        assert _wait_done(fake, run, message["id"]) == [("done", "deleted")]


@pytest.mark.postgres
def test_shards_sharing_postgresql_claim_each_item_once(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    import threading

    from rempart.bot.ledger import Ledger
    from rempart.settings import Settings

    store = Store.open(Settings(data_dir=tmp_path / "d", database_url=fresh_postgres_url))
    try:
        wins: list[str] = []
        barrier = threading.Barrier(4)

        def shard(name: str) -> None:
            ledger = Ledger(store, name)
            barrier.wait()
            for n in range(25):
                if ledger.claim(f"m{n}", "a1", "g", "c", {}):
                    wins.append(f"m{n}")

        threads = [threading.Thread(target=shard, args=(f"host:{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(wins) == sorted(f"m{n}" for n in range(25))  # each once, none lost
    finally:
        store.close()


def test_member_reports_are_shown_in_the_review_queue_and_decided(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    from fastapi.testclient import TestClient

    from rempart.app import create_app
    from rempart.bot.reports import Reports
    from rempart.store.keys import ApiKeys, Role

    message = fake.message(
        world["guild"],
        world["general"],
        fake.member("poster"),
        attachments=[fake.attachment("x.jpg", victim["unrelated"])],
    )
    interaction = fake.use_message_menu("Report to Rempart", fake.member("witness"), message)
    fake.wait_for(lambda: len(fake.responses(interaction)) >= 2)
    key = ApiKeys(run.store).create("mod", Role.MODERATOR)
    [report] = Reports(run.store).pending()
    with TestClient(create_app(run.settings), base_url="http://127.0.0.1") as client:
        assert client.get("/review", follow_redirects=False).status_code in {303, 307, 401}
        client.post("/login", data={"key": key}, headers={"Origin": "http://127.0.0.1"})
        page = client.get("/review")
        assert page.status_code == 200 and "Reported by members" in page.text
        assert 'alt="reported"' in page.text  # the preserved copy, from the vault
        assert f"/channels/{world['guild']}/{world['general']}/{message['id']}" in page.text
        decided = client.post(
            f"/review/reports/{report.id}",
            data={"decision": "confirm"},
            headers={"Origin": "http://127.0.0.1"},
            follow_redirects=False,
        )
        assert decided.status_code == 303
        again = client.post(
            f"/review/reports/{report.id}",
            data={"decision": "reject"},
            headers={"Origin": "http://127.0.0.1"},
            follow_redirects=False,
        )
        assert again.status_code == 404
    assert Reports(run.store).pending() == []
    reads = [r[5] for r in run.store.audit_log(50) if r[2] == "evidence.vault.read"]
    assert reads and "member report" in reads[0]  # the reviewer's look was logged


def test_after_acting_on_a_quick_match_the_local_features_still_find_a_second_photo(
    fake: FakeDiscord, world: dict[str, str], tmp_path: Path
) -> None:
    settings = bot_settings(fake, tmp_path / "data")
    inset = textured_photo(31, (900, 1200))
    composite = synthetic_photo(32)
    composite.paste(inset.resize((540, 720)), (500, 600))
    with BotRun(settings) as run:
        paths = [
            save_jpeg(composite, tmp_path / "composite.jpg"),
            save_jpeg(inset, tmp_path / "inset.jpg"),
        ]
        _register(run.store, *paths)
        run.bot.matcher.changed()  # type: ignore[union-attr]
        Policies(run.store).set(world["guild"], "test", mode="delete")
        posted = _post(fake, world, fake.attachment("repost.jpg", _jpeg(composite, 75)))
        assert fake.wait_for(lambda: fake.deleted(posted["id"]))  # acted on the PDQ match
        assert _wait_done(fake, run, posted["id"]) == [("done", "deleted")]
        with run.store.session() as session:
            labels = dict(
                session.execute(
                    select(ScanMatchRow.signal, func.count()).group_by(ScanMatchRow.signal)
                ).all()
            )
            entries = set(session.scalars(select(ScanMatchRow.entry_id)))
            assert session.scalar(select(func.count()).select_from(SightingRow)) == 2
        assert len(entries) == 2 and labels.get("orb", 0) >= 1  # the inset, by local features


def test_stickers_and_embed_pictures_are_checked_through_discords_own_hosts(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="delete")
    png = io.BytesIO()
    Image.open(io.BytesIO(victim["caption"])).save(png, "PNG")
    with_sticker = _post(fake, world, stickers=[fake.sticker("lol", png.getvalue())])
    assert fake.wait_for(lambda: fake.deleted(with_sticker["id"]))
    with_embed = _post(fake, world, embeds=[fake.embed_image(victim["caption"])])
    assert fake.wait_for(lambda: fake.deleted(with_embed["id"]))
    # an embed with no proxied picture is never fetched from the site it links to
    foreign = _post(fake, world, embeds=[{"type": "image", "url": "https://example.org/x.jpg"}])
    after = _post(fake, world, fake.attachment("z.jpg", victim["unrelated"]))
    _wait_done(fake, run, after["id"])  # the gateway delivers in order: the embed came first
    assert _outcome(run, foreign["id"]) == [] and fake.deleted(foreign["id"]) is None
    assert not any("example.org" in path for path, _, _ in fake.cdn_requests)


def test_a_timeout_and_the_review_link_follow_the_policy(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    Policies(run.store).set(world["guild"], "test", mode="review", timeout_minutes=60)
    author = fake.member("stalker")
    confident_post = _post(fake, world, fake.attachment("a.jpg", victim["caption"]), author=author)
    hidden = fake.wait_for(lambda: fake.deleted(confident_post["id"]))
    assert "Rempart" in hidden.reason
    [timeout] = fake.wait_for(lambda: fake.calls_to("PATCH", f"/members/{author['id']}"))
    assert timeout.body["communication_disabled_until"] and "Rempart" in timeout.reason
    crop_author = fake.member("other")
    crop = _post(fake, world, fake.attachment("c.jpg", victim["crop"]), author=crop_author)
    assert _wait_done(fake, run, crop["id"]) == [("done", "review")]
    assert fake.calls_to("PATCH", f"/members/{crop_author['id']}") == []  # never on a weak match
    link = fake.interact(world["guild"], world["general"], author, _command("review"))
    text = fake.wait_for(lambda: fake.responses(link))[0].body["data"]["content"]
    assert "https://rempart.example.org/review" in text


def test_rempart_bot_runs_from_the_command_line_and_syncs_commands_only_on_request(
    fake: FakeDiscord, world: dict[str, str], tmp_path: Path, victim: dict[str, Any]
) -> None:
    import signal
    import subprocess

    from support import rempart_env, rempart_exe, run_rempart

    from rempart.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    missing = run_rempart(settings, "bot")
    assert missing.returncode == 1 and "REMPART_DISCORD_TOKEN" in missing.stderr
    store = Store.open(settings)
    try:
        _register(store, victim["photo"])
        Policies(store).set(world["guild"], "test", mode="delete")
    finally:
        store.close()
    env = {**rempart_env(settings), **fake.settings_env()}
    invite = subprocess.run(
        [rempart_exe(), "bot", "--invite"], env=env, capture_output=True, text=True, timeout=120
    )
    assert invite.returncode == 0, invite.stderr
    assert invite.stdout.strip() == (
        f"https://discord.com/oauth2/authorize?client_id={fake.application_id}"
        "&scope=bot+applications.commands&permissions=1101659188224"
    )
    bot = subprocess.Popen(
        [rempart_exe(), "bot", "--sync-commands"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        [sync] = fake.wait_for(lambda: fake.calls_to("PUT", "/commands"), 60)
        assert {c["name"] for c in sync.body} == {"rempart", "Report to Rempart"}
        fake.wait_for(lambda: fake.identifies >= 1 and fake.connected, 60)
        posted = _post(fake, world, fake.attachment("a.jpg", victim["caption"]))
        assert fake.wait_for(lambda: fake.deleted(posted["id"]), 90)
    finally:
        bot.send_signal(signal.SIGINT)
        _, errors = bot.communicate(timeout=60)
    assert bot.returncode == 0, errors
    assert "fake-token" not in errors  # the token is never printed


@pytest.mark.postgres
def test_on_postgresql_a_photo_registered_elsewhere_is_matched_without_a_restart(
    fake: FakeDiscord,
    world: dict[str, str],
    tmp_path: Path,
    victim: dict[str, Any],
    fresh_postgres_url: str,
) -> None:
    settings = bot_settings(
        fake, tmp_path / "data", database_url=fresh_postgres_url, matcher_poll_seconds=30.0
    )
    with BotRun(settings) as run:
        other = Store.open(settings)  # another process's store: `rempart bank add` beside the bot
        try:
            _register(other, victim["photo"])  # its commit NOTIFYs the bot's matcher
            Policies(other).set(world["guild"], "test", mode="delete")
        finally:
            other.close()
        assert run.bot is not None
        fake.wait_for(lambda: run.bot.matcher.matcher().size > 0, 20)  # far sooner than a poll
        posted = _post(fake, world, fake.attachment("a.jpg", victim["caption"]))
        assert fake.wait_for(lambda: fake.deleted(posted["id"]))


def test_without_the_message_content_intent_only_reports_are_checked(
    fake: FakeDiscord, world: dict[str, str], tmp_path: Path, victim: dict[str, Any]
) -> None:
    from rempart.bot.reports import Reports

    settings = bot_settings(fake, tmp_path / "data", bot_message_content=False)
    with BotRun(settings) as run:
        _register(run.store, victim["photo"])
        run.bot.matcher.changed()  # type: ignore[union-attr]
        Policies(run.store).set(world["guild"], "test", mode="delete")
        assert not fake.intents & (1 << 15)
        message = fake.message(
            world["guild"],
            world["general"],
            fake.member("poster"),
            attachments=[fake.attachment("a.jpg", victim["caption"])],
        )
        fake.post(message)  # Discord strips its attachments: nothing to check
        interaction = fake.use_message_menu("Report to Rempart", fake.member("witness"), message)
        fake.wait_for(lambda: len(fake.responses(interaction)) >= 2)
        assert [(r.media, r.matched) for r in Reports(run.store).pending()] == [(1, 1)]
        assert fake.deleted(message["id"]) is None  # a report preserves and queues, no more
        with run.store.session() as session:
            assert session.scalar(select(func.count()).select_from(SightingRow)) == 1
            assert session.scalar(select(func.count()).select_from(ScanMatchRow)) >= 1


def test_a_member_cannot_flood_the_vault_with_reports(
    fake: FakeDiscord, world: dict[str, str], run: BotRun, victim: dict[str, Any]
) -> None:
    from rempart.bot.reports import REPORTS_PER_HOUR, Reports

    witness = fake.member("flooder")
    for number in range(REPORTS_PER_HOUR):
        assert Reports(run.store).open(world["guild"], world["general"], f"{number}", witness["id"])
    message = fake.message(
        world["guild"],
        world["general"],
        fake.member("poster"),
        attachments=[fake.attachment("a.jpg", victim["unrelated"])],
    )
    refused = fake.use_message_menu("Report to Rempart", witness, message)
    [answer] = fake.wait_for(lambda: fake.responses(refused))
    assert "many reports" in answer.body["data"]["content"]
    run.settle()
    with run.store.session() as session:
        assert session.scalar(select(func.count()).select_from(SightingRow)) == 0


def test_a_solicitation_naming_her_is_queued_and_alerted_once(
    fake: FakeDiscord, world: dict[str, str], run: BotRun
) -> None:
    from rempart.store.signals import SignalQueue

    Policies(run.store).set(
        world["guild"], "test", mode="delete", alert_channel_id=world["moderation"]
    )
    ordinary = _post(fake, world, content="qui veut venir au ciné ce soir ?")
    soliciting = _post(fake, world, content="qui veut un trib sur ma cousine Léa ? mp")
    alert = fake.wait_for(
        lambda: fake.calls_to("POST", f"/channels/{world['moderation']}/messages")
    )
    body = alert[0].body["content"]
    assert "solicitation" in body and "identifies_person" in body
    assert soliciting["id"] in body and "Léa" not in body  # a link, never the words
    fake.edit({**soliciting, "content": soliciting["content"] + " !"})  # an edit: no new alert
    later = _post(fake, world, content="dispo pour un cumtrib sur ma voisine, envoyez")
    alerts = fake.wait_for(  # the gateway keeps order: the edit was read before this one
        lambda: (
            (calls := fake.calls_to("POST", f"/channels/{world['moderation']}/messages"))
            and later["id"] in calls[-1].body["content"]
            and calls
        )
    )
    assert len(alerts) == 2 and soliciting["id"] in alerts[0].body["content"]
    run.settle()
    queued = SignalQueue(run.store).pending("test")
    assert {(q.message_id, q.kind, q.source) for q in queued} == {
        (message, kind, "bot")
        for message in (soliciting["id"], later["id"])
        for kind in ("solicitation", "identifies_person")
    }
    assert all(q.message_id != ordinary["id"] for q in queued)
