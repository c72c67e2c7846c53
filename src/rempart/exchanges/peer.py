"""An exchange with another Rempart instance: a python-threatexchange ``SignalExchangeAPI`` that
reads one bank of the other instance through its ``GET /c/bank/<name>/changes`` route (with an
API key of that instance), so two deployments share a bank the way HMA shares StopNCII's.

Items are the other instance's entries, keyed by their id; an entry it withdraws is withdrawn
here at the next fetch. The checkpoint is the last entry id read and the last withdrawal seen.
"""

from __future__ import annotations

import time
import typing as t
import warnings
from dataclasses import dataclass, field

import requests

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from threatexchange.exchanges import auth
    from threatexchange.exchanges import fetch_state as state
    from threatexchange.exchanges.collab_config import CollaborationConfigBase
    from threatexchange.exchanges.signal_exchange_api import SignalExchangeAPI
    from threatexchange.signal_type.signal_base import SignalType

PAGE_SIZE = 500
TIMEOUT_SECONDS = 30


@dataclass
class RempartExchangeConfig(CollaborationConfigBase):
    """Where the other instance is and which of its banks to read."""

    base_url: str = field(default="", metadata={"help": "https://… of the other instance"})
    remote_bank: str = field(default="", metadata={"help": "the bank to read there"})


@dataclass
class RempartCredentials(auth.CredentialHelper):
    """An API key of the other instance (a role that may write banks there)."""

    ENV_VARIABLE: t.ClassVar[str] = "REMPART_EXCHANGE_KEY"
    FILE_NAME: t.ClassVar[str] = "~/.rempart_exchange_key"

    api_key: str = field(default="", metadata={"help": "API key of the other Rempart"})

    @classmethod
    def _from_str(cls, s: str) -> RempartCredentials:
        return cls(api_key=s.strip())

    def _are_valid(self) -> bool:
        return bool(self.api_key)


@dataclass
class RempartCheckpoint(state.FetchCheckpointBase):
    after_id: int
    removed_after: int
    fetched_at: int

    def get_progress_timestamp(self) -> int | None:
        return self.fetched_at


@dataclass
class RempartItem(state.FetchedSignalMetadata):
    """One entry of the other instance: its HMA signals."""

    signals: dict[str, str] = field(default_factory=dict)


class RempartSignalExchangeAPI(
    auth.SignalExchangeWithAuth[RempartExchangeConfig, RempartCredentials],
    SignalExchangeAPI[RempartExchangeConfig, RempartCheckpoint, RempartItem, str, RempartItem],
):
    """Fetches one bank of another Rempart instance (see the module docstring)."""

    def __init__(self, collab: RempartExchangeConfig, credentials: RempartCredentials) -> None:
        self.collab = collab
        self.credentials = credentials

    @classmethod
    def get_name(cls) -> str:
        return "rempart"

    @staticmethod
    def get_config_cls() -> type[RempartExchangeConfig]:
        return RempartExchangeConfig

    @staticmethod
    def get_checkpoint_cls() -> type[RempartCheckpoint]:
        return RempartCheckpoint

    @staticmethod
    def get_record_cls() -> type[RempartItem]:
        return RempartItem

    @staticmethod
    def get_credential_cls() -> type[RempartCredentials]:
        return RempartCredentials

    @classmethod
    def for_collab(
        cls, collab: RempartExchangeConfig, credentials: RempartCredentials | None = None
    ) -> RempartSignalExchangeAPI:
        return cls(collab, credentials or RempartCredentials.get(cls))

    @classmethod
    def naive_convert_to_signal_type(
        cls,
        signal_types: t.Sequence[type[SignalType]],
        collab: RempartExchangeConfig,
        fetched: t.Mapping[str, RempartItem | None],
    ) -> dict[type[SignalType], dict[str, RempartItem]]:
        by_name = {s.get_name(): s for s in signal_types}
        converted: dict[type[SignalType], dict[str, RempartItem]] = {}
        for item in fetched.values():
            if item is None:
                continue
            for name, value in item.signals.items():
                if name in by_name:
                    converted.setdefault(by_name[name], {})[value] = item
        return converted

    def fetch_iter(
        self,
        _supported_signal_types: t.Sequence[type[SignalType]],
        checkpoint: RempartCheckpoint | None,
    ) -> t.Iterator[state.FetchDelta[str, RempartItem, RempartCheckpoint]]:
        after_id = checkpoint.after_id if checkpoint else 0
        removed_after = checkpoint.removed_after if checkpoint else 0
        url = f"{self.collab.base_url.rstrip('/')}/c/bank/{self.collab.remote_bank}/changes"
        while True:
            response = requests.get(
                url,
                params={"after_id": after_id, "removed_after": removed_after, "limit": PAGE_SIZE},
                headers={"Authorization": f"Bearer {self.credentials.api_key}"},
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            if response.status_code != 200:
                raise RuntimeError(f"the other instance answered {response.status_code}")
            page = response.json()
            updates: dict[str, RempartItem | None] = {
                str(item["id"]): RempartItem(signals=dict(item["signals"]))
                for item in page["items"]
            }
            updates.update({str(entry_id): None for entry_id in page["removed"]})
            after_id = int(page["after_id"])
            removed_after = int(page["removed_after"])
            yield state.FetchDelta(
                updates, RempartCheckpoint(after_id, removed_after, int(time.time()))
            )
            if not page["more"]:
                return
