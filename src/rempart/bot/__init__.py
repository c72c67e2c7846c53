"""The Discord bot (`rempart bot`): every image and video posted in a server checked at the moment
of posting, matched media preserved first, then acted on by the server's policy.

A thin caller of the rest of Rempart: ``intake`` finds a message's media items, ``cdn`` downloads
one (Discord's CDN only, retried), ``checker`` fingerprints and matches it with the same live
matcher `rempart serve` uses and preserves what matches, ``ledger`` makes each item processed
once across resumes, restarts and shards, ``policy`` says what to do; the cogs wire them to
discord.py (``intake_cog``: messages and edits; ``commands_cog``: ``/rempart …`` and the
"Report to Rempart" menu).
"""
