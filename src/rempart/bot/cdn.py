"""Download one media item from Discord's CDN for the bot: the same guarded fetch as every other
download (``rempart.sources.fetch``: HTTPS, allowed hosts only, public addresses, no redirect,
size and time limits), on a thread, retried with exponential backoff when the CDN may serve it
later (404 before propagation, 403 on a signed URL being refreshed, 429, 5xx, a timeout).
Every failed attempt is recorded in the ledger; an item that still fails is recorded failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from rempart.errors import FetchError
from rempart.settings import Settings
from rempart.sources.fetch import fetch_media

log = logging.getLogger(__name__)


def describe(error: FetchError) -> str:
    """A failure as the ledger records it: the status when there was one."""
    return f"{error} (HTTP {error.status})" if error.status else str(error)


async def download(
    url: str,
    folder: Path,
    settings: Settings,
    *,
    on_failure: Callable[[FetchError, int], None] | None = None,
) -> Path:
    """The downloaded file; FetchError after the last attempt, or at once when retrying cannot
    help (host not allowed, over the size limit)."""
    delay = settings.bot_retry_seconds
    for attempt in range(1, settings.bot_download_attempts + 1):
        try:
            return await asyncio.to_thread(fetch_media, url, folder, settings)
        except FetchError as error:
            if on_failure is not None:  # a store write: off the event loop
                await asyncio.to_thread(on_failure, error, attempt)
            if not error.retryable or attempt == settings.bot_download_attempts:
                raise
            log.info(
                "CDN attempt %d failed (%s); retrying in %.1f s", attempt, describe(error), delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)
    raise AssertionError("unreachable")  # the loop returns or raises
