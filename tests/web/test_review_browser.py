"""The review queue and case page in real headless Chromium, on scan results of synthetic
exports."""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rempart.index.matcher import Matcher
from rempart.investigate.linking import investigate
from rempart.investigate.runner import scan_archives
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import make_export_set
from rempart.store import Consent, Store
from rempart.store.keys import ApiKeys, Role
from rempart.store.scans import ScanStore

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


def _scanned(settings: Settings, tmp_path: Path) -> str:
    manifest = make_export_set(
        tmp_path / "set", seed=21, servers=2, channels=1, messages=13, victims=2
    )
    store = Store.open(settings)
    try:
        store.create_bank("victims")
        store.add_fingerprints(
            "victims",
            [fingerprint_file(p, settings, register=True) for p in manifest.victim_photos],
            consent=Consent("self", "t"),
        )
        scan_archives([tmp_path / "set" / "exports"], ["victims"], store, settings)
        return ApiKeys(store).create("mod-lea", Role.MODERATOR)
    finally:
        store.close()


def test_reviewers_see_blurred_grey_pictures_and_decisions_stick(
    server: tuple[str, Settings], page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    base, settings = server
    key = _scanned(settings, tmp_path)
    store = Store.open(settings)
    pending = ScanStore(store).pending_review()
    store.close()
    assert len(pending) >= 3

    page.goto(f"{base}/review")
    assert (
        page.url == f"{base}/login" and page.locator("input[name=key]").count() == 1
    )  # no session: to the sign-in page
    page.fill("input[name=key]", key)
    page.click("form button")
    expect(page.locator("#pending")).to_have_text(str(len(pending)))
    # each match says what it is in the reader's language, not as a signal name and a number
    meanings = page.locator(".item .meaning .fr").all_inner_texts()
    assert len(meanings) == len(pending) and all(
        re.fullmatch(
            r"(copie exacte.*|même image.*|copie proche \(PDQ \d+ bits sur \d+ admis\)"
            r"|recadrage, capture ou photo d’écran \(\d+ points concordants\)|vidéo.*)",
            m,
        )
        for m in meanings
    ), meanings
    # a crop or a photo of a screen shows where her photo is, outlined over the blurred picture
    outlined = sum(1 for m in pending[:25] if m.signal == "orb")
    assert outlined and page.locator(".evidence-frame svg.region rect").count() >= 1
    box = page.locator(".evidence-frame svg.region").first.bounding_box()
    picture = (
        page.locator(".evidence-frame svg.region")
        .first.locator("xpath=..")
        .locator("img")
        .bounding_box()
    )
    assert box and picture and abs(box["width"] - picture["width"]) < 2  # laid over the picture
    first = page.locator("img.evidence").first
    expect(first).to_have_css("filter", "blur(16px) grayscale(1)")
    first.click()
    expect(first).to_have_css("filter", "none")

    rejected = int(page.locator(".item").first.get_attribute("data-match") or 0)
    page.locator(".item").first.locator("input[name=note]").fill("pas elle")
    page.locator(".item").first.locator("button.decide-reject").click()
    expect(page.locator("#pending")).to_have_text(str(len(pending) - 1))
    page.locator(".item").first.locator("button.decide-confirm").click()
    page.locator(".item").first.locator("button.decide-escalate").click()
    expect(page.locator("#pending")).to_have_text(str(len(pending) - 3))

    store = Store.open(settings)
    try:
        scans = ScanStore(store)
        decisions = scans.decisions()
        assert [(d["decision"], d["reviewer"]) for d in decisions] == [
            ("reject", "api:mod-lea"),
            ("confirm", "api:mod-lea"),
            ("escalate", "api:mod-lea"),
        ]
        assert decisions[0]["match_id"] == rejected and decisions[0]["note"] == "pas elle"
        rejected_match = next(m for m in pending if m.id == rejected)
        # the rejected pair never comes back: not on a rescan, not in the cases
        matcher = Matcher(store, settings, ["victims"])
        for file_id, fingerprint in scans.hashed_files("test"):
            if file_id == rejected_match.file_id:
                assert scans.add_matches(file_id, matcher.match(fingerprint), "rescan") == 0
        sightings = {
            (s.message_id, c.entry_id)
            for c in investigate(store, ["victims"]).cases
            for s in c.sightings
        }
        rejected_messages = {m.message_id for m in scans.media("test", [rejected_match.file_id])}
        assert not {(m, rejected_match.entry_id) for m in rejected_messages} & sightings
        confirmed = next(m for m in pending if m.id == decisions[1]["match_id"])
    finally:
        store.close()

    page.goto(f"{base}/cases/victims/{confirmed.entry_id}")
    expect(page.locator("#timeline tr")).not_to_have_count(1)
    page.click("#lang")  # to English
    assert all(
        re.match(
            r"(exact copy|same picture|near copy \(PDQ|crop, screenshot or photo of a screen"
            r"|video)",
            m,
        )
        for m in page.locator("#timeline .meaning .en").all_inner_texts()
    )
    assert page.locator("#actors li").count() >= 1
    link = page.locator("a.evidence-link").first.get_attribute("href") or ""
    evidence = page.request.get(f"{base}/cases/victims/{link}")  # relative to the case page
    assert (
        evidence.status == 200
        and evidence.headers["content-type"].startswith(("image/", "video/"))
        and evidence.headers["cache-control"] == "no-store"
    )
    try:  # without the reviewer's key: refused
        urllib.request.urlopen(f"{base}/evidence/{link.rsplit('/', 1)[-1]}", timeout=5)
        raise AssertionError("evidence served without a key")
    except urllib.error.HTTPError as refused:
        assert refused.code == 401
    store = Store.open(settings)
    try:
        assert any(
            action == "evidence.read" and actor == "api:mod-lea"
            for _at, actor, action, *_rest in store.audit_log(50)
        )
    finally:
        store.close()
