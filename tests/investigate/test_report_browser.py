"""The HTML report in real headless Chromium (Debian's chromium, driven by Playwright; no browser
download)."""

from pathlib import Path

import pytest

from rempart.investigate.linking import investigate
from rempart.investigate.report import write_report
from rempart.investigate.runner import scan_archives
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import make_export_set
from rempart.store import Consent, Store

pytestmark = pytest.mark.slow  # seconds to minutes each: left out of the fast subset


def test_pictures_are_blurred_until_clicked_and_the_language_switches(
    page: object, settings: Settings, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    manifest = make_export_set(
        tmp_path / "set", seed=9, servers=2, channels=1, messages=13, victims=1
    )
    store = Store.open(settings)
    store.create_bank("victims")
    store.add_fingerprints(
        "victims",
        [fingerprint_file(p, store.settings, register=True) for p in manifest.victim_photos],
        consent=Consent("self", "t"),
    )
    scan_archives([tmp_path / "set" / "exports"], ["victims"], store, store.settings)
    report = tmp_path / "report.html"
    write_report(investigate(store, ["victims"]), report, store.settings)
    store.close()

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    pictures = page.locator("img.evidence")
    assert pictures.count() == sum(len(v) for v in manifest.sightings.values()) >= 2
    first, last = pictures.first, pictures.last
    assert first.evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )  # the embedded picture decodes
    expect(first).to_have_css("filter", "blur(18px)")
    first.click()
    expect(first).to_have_css("filter", "none")
    expect(last).to_have_css("filter", "blur(18px)")  # one click reveals one picture
    first.click()
    expect(first).to_have_css("filter", "blur(18px)")
    english = page.locator("h2 > span.en", has_text="Cases")
    french = page.locator("h2 > span.fr", has_text="Dossiers")
    english_first = english.is_visible()
    assert english_first != french.is_visible()
    page.click("#lang")
    assert english.is_visible() != english_first and french.is_visible() == english_first
    assert page.locator("#server-graph").bounding_box()["width"] > 100
    assert all(
        url.startswith(("file:", "data:")) for url in requests
    )  # self-contained: nothing fetched


def test_signals_filter_by_kind_and_the_rebirth_is_drawn_on_the_graph(
    page: object, settings: Settings, tmp_path: Path
) -> None:
    from playwright.sync_api import Page

    from rempart.investigate.intelligence import server_intelligence

    assert isinstance(page, Page)
    make_export_set(tmp_path / "set", seed=10, servers=2, channels=1, messages=10, intel=True)
    store = Store.open(settings)
    scan_archives([tmp_path / "set" / "exports"], [], store, store.settings)
    report = tmp_path / "report.html"
    write_report(
        investigate(store, None), report, store.settings, intelligence=server_intelligence(store)
    )
    store.close()

    page.goto(report.as_uri())
    rows = page.locator("tr.signal")
    total = rows.count()
    assert total >= 8
    page.select_option("#signal-kind", "minor")
    visible = [rows.nth(i) for i in range(total) if rows.nth(i).is_visible()]
    assert visible and all(row.get_attribute("data-kind") == "minor" for row in visible)
    assert "elle a 15 ans mais bon" in visible[0].inner_text()
    page.select_option("#signal-kind", "")
    assert sum(1 for i in range(total) if rows.nth(i).is_visible()) == total
    reborn = page.locator("#server-graph line.reborn")
    assert reborn.count() == 1 and reborn.get_attribute("stroke-dasharray") == "8 5"
    assert page.locator("#reborn tr").count() == 2  # the header and the one rebirth
