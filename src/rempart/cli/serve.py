"""`rempart serve` and `rempart key …`: run the HTTP service and manage its API keys."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from rempart.cli.common import console, err_console, fail, open_store, settings
from rempart.i18n import t, terminal_safe
from rempart.store.keys import ApiKeys, Role

keys_app = typer.Typer(help="API keys for `rempart serve` / Clés d'API.", no_args_is_help=True)


def serve(
    host: Annotated[
        Optional[str],
        typer.Option(help="Address to listen on (default REMPART_API_HOST, 127.0.0.1)."),
    ] = None,
    port: Annotated[
        Optional[int], typer.Option(help="Port (default REMPART_API_PORT, 8000).")
    ] = None,
) -> None:
    """Run the HTTP service: Rempart's API, the HMA subset, /docs / Lancer le service HTTP."""
    try:
        import uvicorn

        from rempart.app import create_app
    except ImportError as exc:
        fail(
            f"`rempart serve` needs the server extra ({exc.name} is missing): pip install "
            "'rempart[server]'"
        )

    conf = settings()
    err_console.print(
        t("serving", url=f"http://{host or conf.api_host}:{port or conf.api_port}"), highlight=False
    )
    # Forwarding headers are read by Rempart's guard, and only from REMPART_TRUSTED_PROXIES:
    # uvicorn's own
    # handling would believe X-Forwarded-For from any local peer.
    uvicorn.run(
        create_app(conf),
        host=host or conf.api_host,
        port=port or conf.api_port,
        log_level="info",
        proxy_headers=False,
        server_header=False,
    )


@keys_app.command("create")
def create_key(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    role: Annotated[
        Role, typer.Option(help="admin, moderator, caseworker or platform.")
    ] = Role.PLATFORM,
) -> None:
    """Create a key; its secret is printed once / Créer une clé (secret affiché une seule fois)."""
    with open_store() as store:
        secret = ApiKeys(store).create(name, role)
    print(secret)  # plain: never wrapped or styled, so it can be copied or piped
    err_console.print(t("key_created", name=name, role=role.value))


@keys_app.command("list")
def list_keys() -> None:
    """List keys (never their secrets) / Lister les clés."""
    with open_store() as store:
        for key in ApiKeys(store).list():
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            console.print(f"{terminal_safe(key.name)}\t{key.role.value}\t{state}")


@keys_app.command("revoke")
def revoke_key(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key at once / Révoquer une clé."""
    with open_store() as store:
        ApiKeys(store).revoke(name)
    err_console.print(t("key_revoked", name=name))
