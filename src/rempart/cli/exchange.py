"""`rempart exchange …`: list the configured signal exchanges and fetch them now (a running
`rempart serve` also fetches them every ``REMPART_EXCHANGE_FETCH_MINUTES``)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from rempart.cli.common import console, err_console, open_store, settings
from rempart.i18n import t

app = typer.Typer(
    help="Signal exchanges (StopNCII, NCMEC, ThreatExchange, another Rempart) / Échanges de "
    "signaux.",
    no_args_is_help=True,
)


@app.command("list")
def list_exchanges() -> None:
    """The configured exchanges and their fetch status / Les échanges configurés."""
    from rempart.store.exchanges import Exchanges

    with open_store() as store:
        exchanges = Exchanges(store)
        names = exchanges.names()
        if not names:
            console.print(t("no_exchanges"))
        for name in names:
            info = exchanges.get(name)
            console.print(f"{info.name}\t{info.api}\t{info.status()}")


@app.command("fetch")
def fetch(
    name: Annotated[
        Optional[str], typer.Argument(help="One exchange (default: every enabled one).")
    ] = None,
) -> None:
    """Fetch now, from each exchange's checkpoint / Récupérer maintenant."""
    from rempart.exchanges.fetch import fetch as fetch_one
    from rempart.exchanges.fetch import fetch_all

    with open_store() as store:
        reports = (
            [fetch_one(store, settings(), name, actor="cli")]
            if name
            else fetch_all(store, settings(), actor="cli")
        )
    if not reports:
        console.print(t("no_exchanges"))
    failed = False
    for report in reports:
        if report.error:
            failed = True
            err_console.print(t("exchange_failed", name=report.name, error=report.error))
        console.print(
            t(
                "exchange_fetched",
                name=report.name,
                added=report.added,
                removed=report.removed,
                skipped=report.skipped,
                pages=report.pages,
                up_to_date=report.up_to_date,
            )
        )
    if failed:
        raise typer.Exit(1)
