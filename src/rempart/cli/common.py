"""What every CLI command shares: settings, opening the store, progress bars and error exits."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rempart.i18n import t
from rempart.settings import Settings, load_settings
from rempart.signals.fingerprint import (
    Fingerprint,
    FingerprintFailure,
    expand_paths,
    fingerprint_many,
)
from rempart.store import Store

#: Data (file names, labels, ids) is never read as markup, and lines are never wrapped: what is
#: printed is exactly the text, one record per line, whether to a terminal or a file.
console = Console(markup=False, highlight=False, soft_wrap=True)
err_console = Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def settings() -> Settings:
    try:
        return load_settings()
    except Exception as exc:  # pydantic validation: show which variable is wrong
        fail(f"invalid configuration: {exc}")
        raise


@contextmanager
def open_store() -> Iterator[Store]:
    store = Store.open(settings())
    try:
        yield store
    finally:
        store.close()


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(t("error", message=message), style="red", highlight=False)
    raise typer.Exit(code)


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not sys.stderr.isatty(),
        # machine output (--json) goes to stdout untouched, redirected or not
        redirect_stdout=False,
        redirect_stderr=False,
    )


class HashingRun:
    """Fingerprints files under a progress bar; unreadable files are reported as they come and
    counted."""

    def __init__(
        self,
        paths: list[Path],
        conf: Settings,
        *,
        register: bool,
        label: str,
        json_errors: bool = False,
    ) -> None:
        self.files = expand_paths(paths)
        self.conf = conf
        self.register = register
        self.label = label
        self.json_errors = json_errors
        self.failed = 0

    def __iter__(self) -> Iterator[tuple[Path, Fingerprint]]:
        with progress() as bar:
            task = bar.add_task(self.label, total=len(self.files))
            for path, result in zip(
                self.files, fingerprint_many(self.files, self.conf, register=self.register)
            ):
                bar.advance(task)
                if isinstance(result, FingerprintFailure):
                    self.failed += 1
                    self._report(result)
                    continue
                yield path, result

    def _report(self, failure: FingerprintFailure) -> None:
        if self.json_errors:
            print(
                json.dumps({"file": str(failure.path), "error": failure.reason}, ensure_ascii=False)
            )
        else:
            err_console.print(
                t("file_failed", path=failure.path, reason=failure.reason), highlight=False
            )

    def exit_if_failed(self) -> None:
        """Exit 1 once the run is over if any file could not be read."""
        if self.failed:
            raise typer.Exit(1)
