"""The victim's /protect page in real headless Chromium (Debian's chromium driven by Playwright)
on a real server."""

import json
from pathlib import Path

import numpy as np
import pytest

from rempart.evidence.vault import Cases
from rempart.samples import phone_screenshot, save_jpeg, synthetic_photo, textured_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.signals.local import LocalFeatures
from rempart.signals.pdq import hamming_hex
from rempart.store import Store

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("her-photos")
    made = [
        save_jpeg(textured_photo(201, (1080, 1350)), root / "IMG_0001.jpg"),
        save_jpeg(synthetic_photo(202, (2400, 1800)), root / "IMG_0002.jpg", quality=92),
        save_jpeg(textured_photo(203, (640, 480)), root / "IMG_0003.jpg"),
        save_jpeg(synthetic_photo(204, (300, 400)), root / "IMG_0004.jpg"),
    ]
    screenshot = root / "Screenshot.png"
    phone_screenshot(205).save(screenshot, "PNG")
    textured_photo(206, (900, 1125)).save(root / "photo.webp", "WEBP", quality=90)
    return [*made, screenshot, root / "photo.webp"]


def twin_share(browser: LocalFeatures, python: LocalFeatures) -> float:
    """Share of the browser's keypoints that Python also found: within 2 pixels and 16 descriptor
    bits."""
    if not len(browser):
        return 0.0
    bits = np.unpackbits(
        browser.descriptors[:, None, :] ^ python.descriptors[None, :, :], axis=2
    ).sum(axis=2)
    near = np.linalg.norm(browser.xy[:, None, :] - python.xy[None, :, :], axis=2) <= 2
    return float(((bits <= 16) & near).any(axis=1).mean())


def test_her_photos_never_leave_the_page_and_browser_pdq_agrees(
    server: tuple[str, Settings], page: object, photos: list[Path]
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    base, settings = server
    bodies: list[bytes] = []
    page.on("request", lambda request: bodies.append(request.post_data_buffer or b""))
    page.goto(f"{base}/protect?lang=fr")
    expect(page.locator("h1 .fr")).to_have_text("Protéger mes photos")
    expect(page.locator(".help .fr strong", has_text="3018")).to_be_visible()
    assert page.locator("img").count() == 0  # nothing of hers is shown back
    page.set_input_files("#photos", [str(p) for p in photos])
    expect(page.locator("#count")).to_have_text(str(len(photos)), timeout=60_000)
    # she sees what she registered: a local preview per photo (blob: URLs, made in the page) and
    # its state; the previews never leave the page (checked on every request below)
    thumbs = page.locator("#progress img.thumb")
    expect(thumbs).to_have_count(len(photos))
    assert all(
        (src or "").startswith("blob:") for src in thumbs.evaluate_all("els => els.map(e => e.src)")
    )
    expect(page.locator('#progress .state[data-state="ready"]')).to_have_count(len(photos))
    expect(page.locator("#progress .state .fr.ready").first).to_be_visible()
    expect(page.locator("#send")).to_be_enabled()
    with page.expect_response("**/protect/cases") as answer:
        page.click("#send")
    assert answer.value.status == 201
    expect(page.locator("#case-number")).to_have_text(answer.value.json()["case"])

    sent = [b for b in bodies if b]
    assert len(sent) == 1
    for path in photos:  # no request carries image bytes
        data = path.read_bytes()
        for start in range(0, len(data) - 64, max(64, len(data) // 50)):
            assert data[start : start + 64] not in sent[0]
    assert b"\xff\xd8\xff" not in sent[0] and b"\x89PNG" not in sent[0] and b"RIFF" not in sent[0]
    prints = json.loads(sent[0])["fingerprints"]
    assert [p["source"] for p in prints] == [
        f"photo-{n}" for n in range(1, len(photos) + 1)
    ]  # no file names either

    shares = {}
    for path, browser_print in zip(
        photos, prints
    ):  # the browser's PDQ agrees with Python's within 10 bits
        python_print = fingerprint_file(path, settings, register=True)
        ours = {v.variant: v.value for v in python_print.of_signal("pdq")}
        theirs = {v["variant"]: v["value"] for v in browser_print["values"] if v["signal"] == "pdq"}
        assert set(theirs) == set(ours)
        distances = {variant: hamming_hex(theirs[variant], ours[variant]) for variant in ours}
        assert max(distances.values()) <= 10, (path.name, distances)
        sha = next(v["value"] for v in browser_print["values"] if v["signal"] == "sha256")
        assert sha == fingerprint_file(path, settings).of_signal("sha256")[0].value
        browser_orb = LocalFeatures.from_bytes(
            bytes.fromhex(next(v["value"] for v in browser_print["values"] if v["signal"] == "orb"))
        )
        shares[path.name] = twin_share(
            browser_orb,
            LocalFeatures.from_bytes(bytes.fromhex(python_print.of_signal("orb")[0].value)),
        )
    # and its ORB keypoints are Python's (same OpenCV parameters, same decoding scale; pixels differ
    # slightly)
    assert min(shares.values()) >= 0.9, shares


def test_she_can_check_and_withdraw_everything(
    server: tuple[str, Settings], page: object, photos: list[Path]
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    base, settings = server
    page.goto(f"{base}/protect?lang=en")
    page.set_input_files("#photos", [str(p) for p in photos[:2]])
    expect(page.locator("#count")).to_have_text("2", timeout=60_000)
    page.check("#minor")  # she is under 18: her cases keep no picture
    with page.expect_request("**/protect/cases") as registration:
        page.click("#send")
    assert json.loads(registration.value.post_data_buffer or b"{}")["minor"] is True
    number = page.locator("#case-number")
    expect(number).not_to_be_empty()
    case, secret = number.text_content(), page.locator("#case-secret").text_content()
    assert case and secret
    page.fill("#manage-case", case)
    page.fill("#manage-secret", "wrong")
    page.click("#status")
    expect(page.locator("#manage-result")).to_have_attribute("data-state", "unknown")
    page.fill("#manage-secret", secret)
    page.click("#status")
    expect(page.locator("#manage-result")).to_have_attribute("data-state", "active")
    expect(page.locator("#manage-photos")).to_have_text("2")
    page.check("#delete-evidence")
    with page.expect_request("**/protect/withdraw") as withdrawal:
        page.click("#withdraw")
    assert json.loads(withdrawal.value.post_data_buffer or b"{}")["delete_evidence"] is True
    expect(page.locator("#manage-result")).to_have_attribute("data-state", "withdrawn")
    store = Store.open(settings)
    try:
        entries = store.list_entries(settings.protect_bank)
        assert len(entries) == 2 and all(e.withdrawn_at is not None for e in entries)
        assert sum(store.count_fingerprints(e.id) for e in entries) == 0
        cases = [Cases(store).get(e.id) for e in entries]  # minors, keys destroyed at her choice
        assert all(c is not None and c.minor and c.key is None for c in cases)
    finally:
        store.close()


def test_photos_registered_in_the_browser_are_found_cropped(
    server: tuple[str, Settings], page: object, photos: list[Path], tmp_path: Path
) -> None:
    from PIL import Image
    from playwright.sync_api import Page, expect

    from rempart.index.matcher import Matcher

    assert isinstance(page, Page)
    base, settings = server
    page.goto(f"{base}/protect")
    page.set_input_files("#photos", [str(photos[0]), str(photos[2])])
    expect(page.locator("#count")).to_have_text("2", timeout=60_000)
    with page.expect_request("**/protect/cases") as sent:
        page.click("#send")
    prints = json.loads(sent.value.post_data_buffer or b"{}")["fingerprints"]
    for (
        browser_print
    ) in prints:  # local features computed in the browser, in the Python wire format
        orb = [v["value"] for v in browser_print["values"] if v["signal"] == "orb"]
        assert len(orb) == 1 and 500 <= len(LocalFeatures.from_bytes(bytes.fromhex(orb[0]))) <= 750
    expect(page.locator("#case-number")).not_to_be_empty()
    crop = tmp_path / "crop.jpg"
    with Image.open(
        photos[0]
    ) as original:  # a crop PDQ cannot find: only the browser's local features can
        original.crop((200, 250, 900, 1100)).save(crop, quality=80)
    store = Store.open(settings)
    try:
        matches = Matcher(store, settings, [settings.protect_bank]).match(
            fingerprint_file(crop, settings), with_labels=True
        )
        assert (
            [m.signal for m in matches] == ["orb"]
            and matches[0].label == "photo-1"
            and (matches[0].inliers or 0) >= 20
        )
    finally:
        store.close()


def test_she_is_told_when_local_features_cannot_load(
    server: tuple[str, Settings], page: object, photos: list[Path]
) -> None:
    """opencv.js blocked (an extension, a network filter): the page says what is still protected,
    and sends no ORB."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    base, _settings = server
    page.route("**/opencv-*.js", lambda route: route.abort())
    page.goto(f"{base}/protect?lang=en")
    expect(page.locator("#no-local")).to_be_hidden()
    page.set_input_files("#photos", [str(photos[0])])
    expect(page.locator("#count")).to_have_text("1", timeout=60_000)
    expect(page.locator("#no-local")).to_be_visible()
    expect(page.locator("#no-local .en")).to_contain_text(
        "exact and near copies are still protected"
    )
    # the wait covers the click alone: hashing on a loaded machine must not eat its time
    with page.expect_request("**/protect/cases", timeout=60_000) as sent:
        page.click("#send")
    signals = {
        v["signal"] for v in json.loads(sent.value.post_data or "{}")["fingerprints"][0]["values"]
    }
    assert signals == {"sha256", "pdq"}
