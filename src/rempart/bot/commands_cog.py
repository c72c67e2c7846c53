"""The extension with the bot's application commands: ``/rempart status``, ``/rempart policy``
(Manage Server), ``/rempart review``, and the message menu "Report to Rempart".

Every answer is ephemeral and in the member's language. A report answers the same whether the
media matched or not: a member who holds her photo learns nothing by reporting it. The commands
are synced with Discord only on request (``rempart bot --sync-commands``), not at every start.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from rempart.bot.intake import media_items
from rempart.bot.policy import MAX_TIMEOUT_MINUTES, PolicyError
from rempart.bot.process import seen_of
from rempart.bot.reports import REPORTS_PER_HOUR, Reports
from rempart.bot.texts import language_of, say

if TYPE_CHECKING:
    from rempart.bot.client import RempartBot

REPORT_MENU = "Report to Rempart"


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class RempartCommands(commands.GroupCog, group_name="rempart", group_description="Rempart"):
    def __init__(self, bot: RempartBot) -> None:
        self.bot = bot
        self.reports = Reports(bot.store)
        self.menu = app_commands.ContextMenu(name=REPORT_MENU, callback=self.report)
        self.menu.guild_only = True
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="status", description="Banks, counts and latency in this server")
    async def status(self, interaction: discord.Interaction) -> None:
        lang = language_of(interaction.locale)
        guild_id = str(interaction.guild_id or "")
        policy = await asyncio.to_thread(self.bot.processor.policies.get, guild_id)
        banks = [
            b for b in await asyncio.to_thread(self.bot.store.list_banks) if policy.wants(b.name)
        ]
        counts = await asyncio.to_thread(self.bot.processor.ledger.counts, guild_id)
        text = say(
            "bot_status",
            lang,
            mode=policy.mode,
            banks=", ".join(f"{b.name} ({b.active_entries})" for b in banks) or "—",
            ready=say("bot_yes", lang) if self.bot.matcher.ready else say("bot_no", lang),
            latency=round(self.bot.latency * 1000) if math.isfinite(self.bot.latency) else 0,
            processed=sum(counts.values()),
            outcomes=", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "—",
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="policy", description="What Rempart does with a match here")
    @app_commands.describe(
        mode="log, review (hide for review) or delete",
        alert_channel="Moderators' channel for alerts",
        no_alert="Stop posting alerts",
        timeout_minutes="Time the author out on a confident match (0: never)",
        banks="Banks to match, comma-separated, or 'all'",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def policy(
        self,
        interaction: discord.Interaction,
        mode: Literal["log", "review", "delete"] | None = None,
        alert_channel: discord.TextChannel | None = None,
        no_alert: bool = False,
        timeout_minutes: app_commands.Range[int, 0, MAX_TIMEOUT_MINUTES] | None = None,
        banks: str | None = None,
    ) -> None:
        lang = language_of(interaction.locale)
        chosen = None
        if banks is not None:
            chosen = (
                []
                if banks.strip().lower() == "all"
                else [b.strip() for b in banks.split(",") if b.strip()]
            )
        try:
            policy = await asyncio.to_thread(
                self.bot.processor.policies.set,
                str(interaction.guild_id),
                f"discord:{interaction.user.id}",
                mode=mode,
                banks=chosen,
                alert_channel_id=str(alert_channel.id) if alert_channel else None,
                clear_alert=no_alert,
                timeout_minutes=timeout_minutes,
            )
        except PolicyError as error:
            await interaction.response.send_message(
                say("bot_policy_refused", lang, reason=error), ephemeral=True
            )
            return
        self.bot.processor.forget_policy(str(interaction.guild_id))
        text = say(
            "bot_policy",
            lang,
            mode=policy.mode,
            banks=", ".join(policy.banks) or say("bot_all_banks", lang),
            alert=f"<#{policy.alert_channel_id}>" if policy.alert_channel_id else "—",
            timeout=policy.timeout_minutes,
        )
        await interaction.response.send_message(text, ephemeral=True)

    @policy.error
    async def policy_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.MissingPermissions):
            await interaction.response.send_message(
                say("bot_policy_forbidden", language_of(interaction.locale)), ephemeral=True
            )
            return
        raise error

    @app_commands.command(name="review", description="Link to the review queue")
    async def review(self, interaction: discord.Interaction) -> None:
        lang = language_of(interaction.locale)
        url = self.bot.settings.public_url
        text = (
            say("bot_review_link", lang, link=f"{url.rstrip('/')}/review")
            if url
            else say("bot_review_unset", lang)
        )
        await interaction.response.send_message(text, ephemeral=True)

    async def report(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Preserve the message's media and queue them for review, match or not."""
        lang = language_of(interaction.locale)
        reporter = str(interaction.user.id)
        if await asyncio.to_thread(self.reports.recent, reporter) >= REPORTS_PER_HOUR:
            await interaction.response.send_message(say("bot_report_limit", lang), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        report_id = await asyncio.to_thread(
            self.reports.open,
            str(interaction.guild_id or ""),
            str(message.channel.id),
            str(message.id),
            reporter,
        )
        if report_id is None:
            await interaction.followup.send(say("bot_report_again", lang), ephemeral=True)
            return
        items = media_items(message, self.bot.settings.discord_cdn_base)
        seen = seen_of(message)
        results = await asyncio.gather(
            *(self.bot.processor.handle(item, seen, report_id=report_id) for item in items)
        )
        kept = [r for r in results if r is not None]
        await asyncio.to_thread(
            self.reports.counted, report_id, len(kept), sum(1 for r in kept if r.matched)
        )
        await interaction.followup.send(
            say("bot_report_done", lang, count=len(kept)), ephemeral=True
        )


async def setup(bot: RempartBot) -> None:
    await bot.add_cog(RempartCommands(bot))
