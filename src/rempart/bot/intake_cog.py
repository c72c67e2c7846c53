"""The extension that watches messages: every posted message, every edit (an edit may add
media: items already processed are skipped by the ledger), and at each READY the items a crash
left pending."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from rempart.bot.client import RempartBot


class Intake(commands.Cog):
    def __init__(self, bot: RempartBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        self.bot.processor.examine(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        self.bot.processor.examine(payload.message)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self.bot.processor.resume_abandoned()


async def setup(bot: RempartBot) -> None:
    await bot.add_cog(Intake(bot))
