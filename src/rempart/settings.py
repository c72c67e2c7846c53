"""Rempart's one typed settings object: env vars ``REMPART_*``, an optional TOML file, defaults.

The first run needs no configuration: data lives under ``~/.rempart`` (or ``REMPART_DATA_DIR``),
SQLite is the store, and the encryption key is generated there on first use.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource


def _default_data_dir() -> Path:
    return Path.home() / ".rempart"


class Settings(BaseSettings):
    """Everything configurable in Rempart, with defaults that make a complete local deployment."""

    model_config = SettingsConfigDict(env_prefix="REMPART_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Where the SQLite store and key live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite at DATA_DIR/rempart.db. PostgreSQL: postgresql+psycopg://…"
    )
    secret_key: str | None = Field(
        default=None, description="Base64 256-bit key for fingerprints at rest; default: generated in DATA_DIR/secret.key."
    )

    # Media limits: each one turns hostile or huge input into a clear error.
    max_file_bytes: int = 200 * 1024 * 1024
    max_image_pixels: int = 100_000_000
    max_video_seconds: float = 3600.0
    max_video_frames: int = 3600
    max_animation_frames: int = 8
    jpeg_draft_size: int = 512

    # HTTP service (rempart serve).
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    #: Callers without an API key may look up hashes this many times a second (bursts up to api_anonymous_burst).
    api_anonymous_rate: float = Field(default=2.0, gt=0)
    api_anonymous_burst: int = Field(default=20, ge=1)
    #: The bank that receives victims' self-registrations from the /protect page.
    protect_bank: str = "protect"

    # Archive scans (rempart scan).
    max_export_bytes: int = 2 * 1024**3
    max_zip_members: int = 200_000
    max_zip_bytes: int = 20 * 1024**3
    #: The only hosts `rempart scan --download` fetches from.
    discord_cdn_hosts: list[str] = Field(default_factory=lambda: ["cdn.discordapp.com", "media.discordapp.net"])
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
    #: Scale images to fit this many pixels a side before PDQ (0: hash the decoded pixels as they are).
    #: PDQ's own filter gets slow on large input; scaling first moves a hash by a few bits.
    pdq_max_side: int = Field(default=512, ge=0)
    #: ORB local features (crops, screenshots, photos of screens); verified by RANSAC homography.
    local_features: bool = True
    local_min_inliers: int = Field(default=20, ge=6)
    #: Also fingerprint each cell of a collage-like query image on its own (rempart.media.regions).
    query_cells: bool = True

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

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'rempart.db'}"

    def ensure_data_dir(self) -> Path:
        """Create the data directory (private to the user) and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, the optional TOML file and explicit overrides."""
    return Settings(**overrides)
