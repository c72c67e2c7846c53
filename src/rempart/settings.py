"""Rempart's one typed settings object: env vars ``REMPART_*``, an optional TOML file, defaults.

The first run needs no configuration: data lives under ``~/.rempart`` (or ``REMPART_DATA_DIR``),
SQLite is the store, and the encryption key is generated there on first use.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_data_dir() -> Path:
    return Path.home() / ".rempart"


class Settings(BaseSettings):
    """Everything configurable in Rempart, with defaults that make a complete local deployment."""

    model_config = SettingsConfigDict(env_prefix="REMPART_", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir, description="Where the SQLite store and key live."
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL; default is SQLite at DATA_DIR/rempart.db. PostgreSQL: "
            "postgresql+psycopg://…"
        ),
    )
    secret_key: str | None = Field(
        default=None,
        description=(
            "Base64 256-bit key for fingerprints at rest; default: generated in "
            "DATA_DIR/secret.key."
        ),
    )

    # Media limits: each one turns hostile or huge input into a clear error.
    max_file_bytes: int = 200 * 1024 * 1024
    max_image_pixels: int = 100_000_000
    max_video_seconds: float = 3600.0
    max_video_frames: int = 3600
    max_animation_frames: int = 8
    #: Pixels decoded for one file across all its frames (an animation's frames each count).
    max_decoded_pixels: int = Field(default=100_000_000, ge=1)
    #: Frames of an animation read at most (sampled frames are spread over these).
    max_animation_frames_read: int = Field(default=1000, ge=1)
    jpeg_draft_size: int = 512

    # HTTP service (rempart serve).
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    #: Anonymous callers (the /protect page; the lookup when enabled) get this many requests a
    #: second per address (IPv6: per /64), bursts up to api_anonymous_burst.
    api_anonymous_rate: float = Field(default=2.0, gt=0)
    api_anonymous_burst: int = Field(default=20, ge=1)
    #: Let callers without a key ask "is this exact file (SHA-256) registered?" (yes/no only).
    api_anonymous_lookup: bool = False
    #: Each API key's quota on hashing, matching and lookups: requests a second, and burst.
    api_key_rate: float = Field(default=20.0, gt=0)
    api_key_burst: int = Field(default=200, ge=1)
    #: Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or networks).
    trusted_proxies: list[str] = Field(default_factory=list)
    #: Largest request body other than a file upload (JSON, forms), and for anonymous routes.
    api_max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    api_anonymous_max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    #: Files decoded at once by the service (each can take hundreds of MB at the pixel limit).
    max_concurrent_decodes: int = Field(default=2, ge=1)
    #: Serve /docs (Swagger UI, whose assets come from a CDN): off by default on a logged-in origin.
    api_docs: bool = False
    #: Hours a reviewer's sign-in at /login lasts.
    session_hours: float = Field(default=12.0, gt=0)
    #: The bank that receives victims' self-registrations from the /protect page.
    protect_bank: str = "protect"
    #: Networks (CIDRs) whose callers reach HMA's routes (/h, /m, /c, /site-map) without a key,
    #: as HMA is run on a private network; empty by default: a key is always needed.
    hma_open_networks: list[str] = Field(default_factory=list)
    #: The role those keyless callers get ("platform": hash, match, list banks).
    hma_open_role: Literal["admin", "moderator", "caseworker", "platform"] = "platform"

    @field_validator("hma_open_networks")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        """Each entry a network (``10.0.0.0/8``) or address; a typo fails at start-up."""
        for entry in value:
            ipaddress.ip_network(entry, strict=False)
        return value

    # Archive scans (rempart scan).
    max_export_bytes: int = 2 * 1024**3
    max_zip_members: int = 200_000
    max_zip_bytes: int = 20 * 1024**3
    #: The only hosts Rempart fetches media from (`scan --download`, hash and lookup by URL): HTTPS,
    #: no redirects, never a private, loopback or link-local address unless fetch_allow_private.
    fetch_hosts: list[str] = Field(
        default_factory=lambda: ["cdn.discordapp.com", "media.discordapp.net"]
    )
    fetch_allow_private: bool = False
    #: Also fetch plain ``http://`` URLs from those hosts (a private network's media server, as
    #: HMA deployments use); off by default.
    fetch_allow_http: bool = False
    #: Hosts of signal exchange APIs a fetch may reach (StopNCII, NCMEC, ThreatExchange, other
    #: Rempart instances): the same rules as media fetches otherwise.
    exchange_hosts: list[str] = Field(
        default_factory=lambda: ["api.stopncii.org", "report.cybertip.org", "graph.facebook.com"]
    )
    #: A running service fetches every enabled exchange this often (0: only on demand).
    exchange_fetch_minutes: float = Field(default=60.0, ge=0)
    #: CA bundle for fetches (default: the system's), e.g. a private deployment's own CA.
    fetch_ca_file: Path | None = None
    download_timeout_seconds: float = 30.0

    # Signals and matching.
    video_frames_per_second: float = 1.0
    #: Clips too short to give this many frames at that rate are sampled more densely.
    video_min_samples: int = Field(default=6, ge=1)
    #: A video matches an entry when at least this many of its sampled frames match that entry
    #: (all of them, for a video with fewer sampled frames). One look-alike frame is not enough.
    video_min_frames: int = Field(default=2, ge=1)
    pdq_threshold: int = Field(default=31, ge=0, le=128)
    pdq_min_quality: int = Field(default=50, ge=0, le=100)
    #: Scale images to fit this many pixels a side before PDQ (0: hash the decoded pixels as they
    #: are).
    #: PDQ's own filter gets slow on large input; scaling first moves a hash by a few bits.
    pdq_max_side: int = Field(default=512, ge=0)
    #: ORB local features (crops, screenshots, photos of screens); verified by RANSAC homography.
    local_features: bool = True
    local_min_inliers: int = Field(default=20, ge=6)
    #: Also fingerprint each cell of a collage-like query image on its own (rempart.media.regions).
    query_cells: bool = True
    #: How often a running service looks for writes made by other processes (seconds).
    matcher_poll_seconds: float = Field(default=1.0, gt=0)
    #: Save the matcher's index after a full build (encrypted, under DATA_DIR/index) and load it at
    #: the next start instead of rebuilding from the store.
    index_snapshots: bool = True
    #: Values added or withdrawn since the base was built or compacted past which a running
    #: matcher folds them into the base (`Matcher.compact`).
    matcher_compact_rows: int = Field(default=50_000, ge=1)
    #: Evidence: where preserved media are kept (encrypted; default DATA_DIR/vault).
    vault_dir: Path | None = None
    #: An RFC 3161 time-stamp authority (``https://…``) that signs every checkpoint; none: offline.
    tsa_url: str | None = None
    #: The TSA's CA certificate(s), PEM, to verify its tokens (kept in packs for the reader).
    tsa_ca_file: Path | None = None
    tsa_timeout_seconds: float = Field(default=20.0, gt=0)
    #: A running service seals the custody log under a checkpoint this often (0: only on scans,
    #: exports and `rempart evidence checkpoint`).
    checkpoint_minutes: float = Field(default=60.0, ge=0)
    #: Who sends notices drafted in evidence packs (DSA Article 16: name and e-mail).
    notifier_name: str = ""
    notifier_email: str = ""
    # The Discord bot (`rempart bot`).
    #: The bot's token (Discord developer portal → your application → Bot → Reset Token).
    discord_token: SecretStr | None = None
    #: Where discord.py talks to Discord: REST, gateway and CDN (changed only to point at a local
    #: fake of Discord in tests and benchmarks).
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_cdn_base: str = "https://cdn.discordapp.com"
    #: Ask for the privileged message content intent (without it only reports work).
    bot_message_content: bool = True
    #: Threads that fingerprint and match posted media (CPU-bound; one per core by default).
    bot_workers: int = Field(default=0, ge=0)
    #: Attempts to download one media item from the CDN (404, 403, 5xx, timeouts), with
    #: exponential backoff from ``bot_retry_seconds``.
    bot_download_attempts: int = Field(default=5, ge=1, le=20)
    bot_retry_seconds: float = Field(default=1.0, gt=0)
    #: An automatic deletion needs a PDQ match at least this many bits inside the bank's threshold
    #: (or an exact digest); closer calls and local-feature-only matches go to review.
    bot_delete_margin: int = Field(default=8, ge=0, le=64)
    #: The public address of `rempart serve` (``https://…``), for the links the bot posts to the
    #: review queue; unset: the bot names the item without a link.
    public_url: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("REMPART_CONFIG")
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one or the SQLite file in the data dir
        (computed each
        time: a cached value would survive ``model_copy(update=...)`` and point at the old
        database)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'rempart.db'}"

    @property
    def resolved_vault_dir(self) -> Path:
        """Where preserved media are kept."""
        return self.vault_dir or self.data_dir / "vault"

    def ensure_data_dir(self) -> Path:
        """Create the data directory (private to the user) and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, the optional TOML file and explicit overrides."""
    return Settings(**overrides)
