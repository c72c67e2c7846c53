"""Browser ORB (opencv.js on /protect) against Python ORB on the same photos.

For each photo: keypoints registered by the browser and by Python, the share of the browser's
keypoints that Python also found (within 2 px and 16 descriptor bits), and the inliers that
Python's query features of the same photo and of a crop of it (a quarter cut off each side,
which PDQ cannot find) get against each registered set (the match threshold is 20).

Run: .venv/bin/python bench/browser_orb_agreement.py   (needs Debian's chromium and the test extras)
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import uvicorn
from playwright.sync_api import sync_playwright

from rempart.app import create_app
from rempart.bench.pgserver import free_port
from rempart.index.local import LocalFeatureIndex
from rempart.media import decode_image, sniff_kind
from rempart.samples import phone_screenshot, save_jpeg, synthetic_photo, textured_photo
from rempart.settings import Settings
from rempart.signals.local import LocalFeatures, local_features, query_features


def photos(root: Path) -> list[Path]:
    made = [
        save_jpeg(textured_photo(201, (1080, 1350)), root / "textured-1080x1350.jpg"),
        save_jpeg(synthetic_photo(202, (2400, 1800)), root / "smooth-2400x1800.jpg", quality=92),
        save_jpeg(textured_photo(203, (640, 480)), root / "textured-640x480.jpg"),
        save_jpeg(synthetic_photo(204, (300, 400)), root / "smooth-300x400.jpg"),
    ]
    phone_screenshot(205).save(root / "screenshot.png", "PNG")
    textured_photo(206, (900, 1125)).save(root / "textured-900x1125.webp", "WEBP", quality=90)
    return [*made, root / "screenshot.png", root / "textured-900x1125.webp"]


def browser_features(settings: Settings, files: list[Path]) -> list[LocalFeatures]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/protect")
            page.set_input_files("#photos", [str(f) for f in files])
            page.wait_for_function(
                f'document.getElementById("count").textContent === "{len(files)}"', timeout=120_000
            )
            with page.expect_request("**/protect/cases") as request:
                page.click("#send")
            prints = json.loads(request.value.post_data_buffer or b"{}")["fingerprints"]
            browser.close()
    finally:
        server.should_exit = True
    return [
        LocalFeatures.from_bytes(
            bytes.fromhex(next(v["value"] for v in p["values"] if v["signal"] == "orb"))
        )
        for p in prints
    ]


def twin_share(browser: LocalFeatures, python: LocalFeatures) -> float:
    bits = np.unpackbits(
        browser.descriptors[:, None, :] ^ python.descriptors[None, :, :], axis=2
    ).sum(axis=2)
    near = np.linalg.norm(browser.xy[:, None, :] - python.xy[None, :, :], axis=2) <= 2
    return float(((bits <= 16) & near).any(axis=1).mean()) if len(browser) else 0.0


def inliers(registered: LocalFeatures, query: LocalFeatures) -> int:
    hits = LocalFeatureIndex([registered]).search(query, 20)
    return hits[0].inliers if hits else 0


def main() -> None:
    root = Path(tempfile.mkdtemp())
    files = photos(root)
    from_browser = browser_features(Settings(data_dir=root / "data"), files)
    print(
        f"{'photo':<26} {'kps browser/python':>18} {'twins':>6} {'self inliers b/p':>17} "
        f"{'crop inliers b/p':>17}"
    )
    for path, browser in zip(files, from_browser):
        rgb = decode_image(path, sniff_kind(path, 10**9), max_pixels=10**9, draft_size=512).frames[
            0
        ]
        python = local_features(rgb)
        height, width = rgb.shape[:2]
        crop = np.ascontiguousarray(
            rgb[height // 4 : height - height // 4, width // 4 : width - width // 4]
        )
        whole, cropped = query_features(rgb), query_features(crop)
        print(
            f"{path.name:<26} {len(browser):>8}/{len(python):<9} "
            f"{twin_share(browser, python):>6.2f}"
            f" {inliers(browser, whole):>8}/{inliers(python, whole):<8} "
            f"{inliers(browser, cropped):>8}/{inliers(python, cropped):<8}"
        )


if __name__ == "__main__":
    main()
