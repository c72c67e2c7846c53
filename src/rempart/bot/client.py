"""`RempartBot`: the ``discord.py`` bot (a ``commands.Bot`` with one extension per feature) and how
it is pointed at Discord, then run.

Intents: guilds and guild messages, and message content (privileged: without it Discord sends
no attachments, embeds or stickers of other members' messages, so only the "Report to Rempart"
menu works — ``REMPART_BOT_MESSAGE_CONTENT=false`` runs that way). The matcher is the same
`LiveMatcher` `rempart serve` uses, kept current by ``LISTEN/NOTIFY`` on PostgreSQL or polling
on SQLite.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from rempart.bot.process import Processor
from rempart.index.live import LiveMatcher
from rempart.settings import Settings
from rempart.store import Store

log = logging.getLogger(__name__)

EXTENSIONS = ("rempart.bot.intake_cog", "rempart.bot.commands_cog")

#: What the bot needs in a server: view channels, send messages, manage messages (delete),
#: read message history, moderate members (timeouts), use application commands.
PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    manage_messages=True,
    read_message_history=True,
    moderate_members=True,
    use_application_commands=True,
)


def intents(settings: Settings) -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.message_content = settings.bot_message_content
    return chosen


def point_at(settings: Settings) -> None:
    """Make discord.py talk to ``settings``' REST base, gateway and CDN (Discord's by default)."""
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    discord.Asset.BASE = settings.discord_cdn_base.rstrip("/")


class RempartBot(commands.Bot):
    """The bot: its store, its matcher, its processor, its extensions."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        shard_id: int | None = None,
        shard_count: int | None = None,
        sync_commands: bool = False,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(settings),
            help_command=None,
            shard_id=shard_id,
            shard_count=shard_count,
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,  # the bot never looks messages up again: no message cache
        )
        self.settings = settings
        self.store = store
        self.sync_commands = sync_commands
        self.matcher = LiveMatcher(store, settings)
        self.processor = Processor(self, store, settings, self.matcher)

    async def setup_hook(self) -> None:
        self.matcher.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("%d application commands synced", len(synced))

    async def close(self) -> None:
        try:  # items being processed finish (their deletions need the connection)
            await asyncio.wait_for(self.processor.settle(), timeout=30)
        except asyncio.TimeoutError:
            log.warning("closing with media items still in progress (a restart resumes them)")
        await super().close()
        self.processor.close()
        self.matcher.close()


def invite_link(application_id: int) -> str:
    """The link that adds the bot to a server with the permissions it needs."""
    return discord.utils.oauth_url(
        application_id, permissions=PERMISSIONS, scopes=("bot", "applications.commands")
    )
