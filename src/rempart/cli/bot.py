"""`rempart bot`: run the Discord bot (and print its invite link)."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Optional

import typer

from rempart.cli.common import err_console, fail, open_store, settings
from rempart.i18n import t


def bot(
    sync_commands: Annotated[
        bool,
        typer.Option(
            "--sync-commands",
            help="Register the slash commands and the message menu with Discord first (once, "
            "and after an upgrade).",
        ),
    ] = False,
    shard_id: Annotated[
        Optional[int], typer.Option(help="This process's shard (with --shard-count).")
    ] = None,
    shard_count: Annotated[
        Optional[int], typer.Option(help="How many shards share the store.")
    ] = None,
    invite: Annotated[
        bool, typer.Option("--invite", help="Print the invite link and exit.")
    ] = False,
) -> None:
    """Run the Discord bot: check every posted image and video / Lancer le bot Discord."""
    try:
        import discord

        from rempart.bot.client import RempartBot, invite_link, point_at
    except ImportError as exc:
        fail(
            f"`rempart bot` needs the bot extra ({exc.name} is missing): pip install 'rempart[bot]'"
        )
    conf = settings()
    if conf.discord_token is None:
        fail(t("bot_no_token"))
    if (shard_id is None) != (shard_count is None):
        fail(t("bot_shards"))
    point_at(conf)
    token = conf.discord_token.get_secret_value()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def run() -> None:
        with open_store() as store:
            client = RempartBot(
                conf,
                store,
                shard_id=shard_id,
                shard_count=shard_count,
                sync_commands=sync_commands,
            )
            async with client:
                if invite:
                    await client.login(token)
                    assert client.user is not None  # set by login
                    print(invite_link(client.user.id))  # a bot user's id is its application's
                    return
                await client.start(token)

    try:
        asyncio.run(run())
    except discord.LoginFailure:
        fail(t("bot_login_failed"))
    except discord.PrivilegedIntentsRequired:
        fail(t("bot_intent_missing"))
    except KeyboardInterrupt:
        err_console.print(t("bot_stopped"))
