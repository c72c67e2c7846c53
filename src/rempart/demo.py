"""The README's demo: make sample photos, register them in a bank, match altered copies and
strangers."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from rempart.errors import BankExistsError
from rempart.index.matcher import Matcher
from rempart.samples import altered_copies, save_jpeg, synthetic_photo
from rempart.settings import Settings
from rempart.signals.fingerprint import fingerprint_file
from rempart.store import Consent, Store

DEMO_BANK = "demo"


def run_demo(directory: Path, settings: Settings, console: Console) -> bool:
    """Run the demo end to end; returns True when every copy matched and no stranger did."""
    originals = [
        save_jpeg(synthetic_photo(seed), directory / "victim" / f"photo-{seed}.jpg")
        for seed in range(1, 6)
    ]
    copies: list[tuple[Path, str]] = []
    for original in originals:
        for name, image in altered_copies(
            synthetic_photo(int(original.stem.split("-")[1]))
        ).items():
            copies.append(
                (
                    save_jpeg(
                        image, directory / "reposted" / f"{original.stem}-{name}.jpg", quality=60
                    ),
                    original.name,
                )
            )
    strangers = [
        save_jpeg(synthetic_photo(seed), directory / "unrelated" / f"other-{seed}.jpg")
        for seed in range(100, 110)
    ]
    console.print(f"1. Sample photos written under {directory}/ (victim, reposted, unrelated).")

    fingerprints = [fingerprint_file(path, settings, register=True) for path in originals]
    console.print(f"2. Fingerprinted {len(fingerprints)} photos on this device (hashes only).")

    store = Store.open(settings)
    try:
        try:
            store.create_bank(DEMO_BANK, description="Rempart demo bank")
        except BankExistsError:
            for entry in store.list_entries(DEMO_BANK):
                if entry.withdrawn_at is None:
                    store.withdraw(DEMO_BANK, entry.id, actor="demo")
        store.add_fingerprints(
            DEMO_BANK, fingerprints, consent=Consent("self", "demo"), provenance="demo"
        )
        console.print(
            f"3. Bank {DEMO_BANK!r} holds them ({settings.resolved_database_url.split('@')[-1]})."
        )

        matcher = Matcher(store, settings, [DEMO_BANK])
        found = missed = false_alarms = 0
        for path, expected in copies:
            labels = {
                m.label for m in matcher.match(fingerprint_file(path, settings), with_labels=True)
            }
            if expected in labels:
                found += 1
            else:
                missed += 1
                console.print(f"   missed: {path.name}")
        for path in strangers:
            if matcher.match(fingerprint_file(path, settings)):
                false_alarms += 1
                console.print(f"   false match: {path.name}")
        console.print(
            f"4. Altered copies found: {found}/{len(copies)}; unrelated photos matched: "
            f"{false_alarms}/{len(strangers)}."
        )
        console.print(
            "   Try it yourself: rempart match " + str(directory / "reposted") + " --bank demo"
        )
    finally:
        store.close()
    return missed == 0 and false_alarms == 0
