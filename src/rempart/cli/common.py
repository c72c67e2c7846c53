"""What every CLI command shares: settings, opening the store, progress bars and error exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rempart.i18n import t
from rempart.settings import Settings, load_settings
from rempart.store import Store

console = Console()
err_console = Console(stderr=True)


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


def fail(message: str, code: int = 1) -> None:
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
    )
