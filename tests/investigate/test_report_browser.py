"""The HTML report in real headless Chromium (Debian's chromium + chromedriver): blur, reveal, language."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rempart.investigate.linking import investigate
from rempart.investigate.report import write_report
from rempart.investigate.runner import scan_archives
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import make_export_set
from rempart.store import Consent, Store


@pytest.fixture
def browser() -> Iterator[object]:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.environ.get("REMPART_REQUIRE_BROWSER"):
            pytest.fail("Chromium and chromedriver are required (apt-get install chromium chromium-driver)")
        pytest.skip("Chromium is not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download a browser or driver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_pictures_are_blurred_until_clicked_and_the_language_switches(browser: object, settings: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    manifest = make_export_set(tmp_path / "set", seed=9, servers=2, channels=1, messages=13, victims=1)
    store = Store.open(settings)  # type: ignore[arg-type]
    store.create_bank("victims")
    store.add_fingerprints("victims", [fingerprint_file(p, store.settings, register=True) for p in manifest.victim_photos], consent=Consent("self", "t"))
    scan_archives([tmp_path / "set" / "exports"], ["victims"], store, store.settings)
    report = tmp_path / "report.html"
    write_report(investigate(store, ["victims"]), report, store.settings)
    store.close()

    browser.get(report.as_uri())  # type: ignore[attr-defined]
    pictures = browser.find_elements(By.CSS_SELECTOR, "img.evidence")  # type: ignore[attr-defined]
    assert len(pictures) == sum(len(v) for v in manifest.sightings.values()) >= 2
    first = pictures[0]
    assert browser.execute_script("return arguments[0].naturalWidth", first) > 0  # type: ignore[attr-defined]  # the embedded picture decodes
    assert "blur" in first.value_of_css_property("filter")
    settle = WebDriverWait(browser, 5)  # the reveal is a 0.2 s transition
    first.click()
    settle.until(lambda _: first.value_of_css_property("filter") == "none")
    assert "blur" in pictures[-1].value_of_css_property("filter")  # one click reveals one picture
    first.click()
    settle.until(lambda _: "blur" in first.value_of_css_property("filter"))
    english = browser.find_element(By.XPATH, "//h2/span[@class='en' and starts-with(., 'Cases')]")  # type: ignore[attr-defined]
    french = browser.find_element(By.XPATH, "//h2/span[@class='fr' and starts-with(., 'Dossiers')]")  # type: ignore[attr-defined]
    shown_first = english.is_displayed()
    assert shown_first != french.is_displayed()
    browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    assert english.is_displayed() != shown_first and french.is_displayed() == shown_first
    assert browser.find_element(By.ID, "server-graph").size["width"] > 100  # type: ignore[attr-defined]
