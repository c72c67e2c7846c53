"""`rempart bench scan`: archive-scan throughput on a synthetic export set, with plain PDQ beside
it.

Generates ``servers`` servers of synthetic exports (victims' photos, ordinary photos, remote
embeds, broken files), registers the victims in a fresh store, and times ``scan_archives`` —
parsing, hashing every readable picture (SHA-256, PDQ, ORB, collage cells), matching, recording.
The anchor is python-threatexchange's ``pdq_from_file`` alone over the same readable still images:
what a PDQ-only pipeline would spend on hashing, without matching or storage.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rempart.investigate.linking import investigate
from rempart.investigate.runner import scan_archives
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.sources.synthetic import make_export_set
from rempart.store import Consent, Store
from rempart.store.scans import ScanStore


def run_scan_bench(servers: int, messages: int, log: Callable[[str], None]) -> dict[str, Any]:
    import cv2

    cv2.setNumThreads(1)  # per core
    with tempfile.TemporaryDirectory(prefix="rempart-scan-bench-") as tmp:
        root = Path(tmp)
        log(f"generating {servers} servers × 2 channels × {messages} messages…")
        manifest = make_export_set(
            root / "set", seed=11, servers=servers, channels=2, messages=messages, victims=3
        )
        settings = Settings(data_dir=root / "data")
        store = Store.open(settings)
        try:
            store.create_bank("victims")
            store.add_fingerprints(
                "victims",
                [fingerprint_file(p, settings, register=True) for p in manifest.victim_photos],
                consent=Consent("benchmark", "bench"),
            )
            log("scanning…")
            start = time.perf_counter()
            summary = scan_archives([root / "set" / "exports"], ["victims"], store, settings)
            seconds = time.perf_counter() - start
            counts = ScanStore(store).counts()
            findings = investigate(store, ["victims"], summary.message_ids, actor="bench")
            readable = [
                Path(m.details["local_path"])
                for m in ScanStore(store).media("bench")
                if m.status == "hashed" and m.details.get("local_path")
            ]
        finally:
            store.close()
        anchor_rate = _anchor_rate(readable, log)
    expected = {m for ids in manifest.sightings.values() for m in ids}
    found = {s.message_id for case in findings.cases for s in case.sightings}
    return {
        "exports": len(summary.exports),
        "messages": counts["messages"],
        "media_references": summary.media_seen,
        "media_hashed": summary.media_hashed,
        "media_unavailable": summary.media_unavailable,
        "media_failed": summary.media_failed,
        "distinct_files_hashed": summary.files_hashed,
        "sightings_expected": len(expected),
        "sightings_found": len(found & expected),
        "sightings_wrong": len(found - expected),
        "seconds": round(seconds, 2),
        "media_per_second": round(summary.media_seen / seconds, 2),
        "hashed_media_per_second": round(summary.media_hashed / seconds, 2),
        "messages_per_second": round(counts["messages"] / seconds, 1),
        "anchor_pdq_only_media_per_second": round(anchor_rate, 2) if anchor_rate else None,
    }


def _anchor_rate(files: list[Path], log: Callable[[str], None]) -> float | None:
    try:
        from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file
    except ImportError:
        log("python-threatexchange is not installed (pip install -e '.[bench]'): no anchor")
        return None
    from rempart.media import MediaKind, sniff_kind

    stills = [
        path for path in files if sniff_kind(path, 1 << 40) is not MediaKind.VIDEO
    ]  # PDQ hashes stills only
    if not stills:
        return None
    start = time.perf_counter()
    for path in stills:
        pdq_from_file(path)
    return len(stills) / (time.perf_counter() - start)
