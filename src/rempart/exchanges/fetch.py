"""Hash lists fetched from signal exchanges into banks, with python-threatexchange's
``SignalExchangeAPI`` implementations (StopNCII, NCMEC, ThreatExchange, its static sample) and
one of Rempart's own for another Rempart instance (``rempart.exchanges.peer``).

A fetch resumes from the exchange's stored checkpoint (from scratch once it is stale), walks the
API's pages and commits each page whole (``rempart.store.exchanges``): new items become entries
of the exchange's bank, items the exchange removed are withdrawn, and the checkpoint moves. Only
the signal types Rempart matches are kept (PDQ, video MD5, vPDQ); others are counted and skipped.

Where the API is reached: its base URL must be on ``REMPART_EXCHANGE_HOSTS`` and resolve to a
public address (unless ``REMPART_FETCH_ALLOW_PRIVATE``); HTTPS only unless
``REMPART_FETCH_ALLOW_HTTP``; StopNCII's client is given a session that follows no redirect.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from rempart.errors import FetchError, SignalError, StoreError
from rempart.settings import Settings
from rempart.signals import vpdq
from rempart.signals.hma import signal_fingerprint, threatexchange
from rempart.sources.fetch import check_url, resolve
from rempart.store.exchanges import ExchangeInfo, Exchanges
from rempart.store.store import Store

log = logging.getLogger(__name__)

#: One fetch of one exchange at a time in this process (the scheduler and a caller's request).
_FETCHING = threading.Lock()
#: Signal types kept from an exchange.
KEPT_TYPES = ("pdq", "video_md5", "vpdq")


@functools.cache
def _threatexchange() -> SimpleNamespace:
    """python-threatexchange's exchange modules, imported once (quietly, as its PDQ module
    warns on import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from threatexchange.exchanges import auth
        from threatexchange.exchanges.fetch_state import NoCheckpointing
        from threatexchange.exchanges.impl import (
            fb_threatexchange_api,
            ncmec_api,
            static_sample,
            stop_ncii_api,
        )
        from threatexchange.utils import dataclass_json
    return SimpleNamespace(
        auth=auth,
        tx=fb_threatexchange_api,
        ncmec=ncmec_api,
        sample=static_sample,
        no_checkpointing=NoCheckpointing,
        stop_ncii=stop_ncii_api,
        json=dataclass_json,
    )


def installed_apis() -> dict[str, Any]:
    """The exchange APIs this server can configure, by their threatexchange name."""
    from rempart.exchanges.peer import RempartSignalExchangeAPI

    tx = _threatexchange()
    classes = (
        tx.sample.StaticSampleSignalExchangeAPI,
        tx.stop_ncii.StopNCIISignalExchangeAPI,
        tx.ncmec.NCMECSignalExchangeAPI,
        tx.tx.FBThreatExchangeSignalExchangeAPI,
        RempartSignalExchangeAPI,
    )
    return {cls.get_name(): cls for cls in classes}


def supports_credentials(api_cls: Any) -> bool:
    return issubclass(api_cls, _threatexchange().auth.SignalExchangeWithAuth)


def load_config(api_cls: Any, name: str, api_json: dict[str, Any]) -> Any:
    """The exchange's configuration object (threatexchange's dataclass for the API)."""
    data = {**api_json, "name": name, "api": api_cls.get_name()}
    data.setdefault("enabled", True)
    return _threatexchange().json.dataclass_load_dict(data, api_cls.get_config_cls())


def dump(obj: Any) -> dict[str, Any]:
    return dict(_threatexchange().json.dataclass_dump_dict(obj))


def load_credentials(api_cls: Any, stored: dict[str, Any]) -> Any:
    return _threatexchange().json.dataclass_load_dict(stored, api_cls.get_credential_cls())


def _checked_base(url: str | None, settings: Settings) -> None:
    """Refuse an API base URL off ``exchange_hosts`` or resolving to a private address."""
    if not url:
        return
    allowed = settings.model_copy(update={"fetch_hosts": settings.exchange_hosts})
    parts = check_url(url.rstrip("/") + "/", allowed)
    resolve(parts.hostname or "", parts.port or 443, allowed)


def client_for(info: ExchangeInfo, exchanges: Exchanges, settings: Settings) -> tuple[Any, Any]:
    """An authenticated client of the exchange's API (threatexchange's own classes), and the
    exchange's configuration it was made for."""
    apis = installed_apis()
    api_cls = apis.get(info.api)
    if api_cls is None:
        raise StoreError(f"No such exchange type '{info.api}'")
    collab = load_config(api_cls, info.name, info.config)
    if not supports_credentials(api_cls):
        return api_cls.for_collab(collab), collab
    stored = exchanges.credentials(info.api)
    if not stored:
        raise StoreError(f"no credentials set for {info.api} (POST /c/exchanges/api/{info.api})")
    credentials = load_credentials(api_cls, stored)
    stop_ncii = _threatexchange().stop_ncii
    if api_cls is stop_ncii.StopNCIISignalExchangeAPI:
        _checked_base(credentials.base_url_override or stop_ncii.api.StopNCIIAPI.BASE_URL, settings)
        client = api_cls(
            collab,
            _no_redirect_stopncii(stop_ncii.api.StopNCIIAPI)(
                credentials.subscription_key,
                credentials.fetch_function_key,
                base_url_override=credentials.base_url_override,
            ),
        )
        return client, collab
    base = getattr(credentials, "base_url", None) or getattr(collab, "base_url", None)
    _checked_base(base, settings)
    return api_cls.for_collab(collab, credentials), collab


def _no_redirect_stopncii(base: Any) -> Any:
    class NoRedirectStopNCIIAPI(base):  # type: ignore[misc, valid-type]
        """StopNCII's client, whose sessions follow no redirect."""

        def _get_session(self, endpoint: Any) -> Any:
            session = super()._get_session(endpoint)
            session.max_redirects = 0
            return session

    return NoRedirectStopNCIIAPI


def item_key(key: Any) -> str:
    """An exchange item's key as stored: ``type:value`` for (type, value) keys, hashed past 200
    characters (a vPDQ value)."""
    if isinstance(key, tuple) and len(key) == 2 and all(isinstance(p, str) for p in key):
        text = f"{key[0]}:{key[1]}"
        if len(text) <= 200:
            return text
        return f"{key[0]}:sha256:{hashlib.sha256(key[1].encode()).hexdigest()}"
    text = json.dumps(key, default=str)
    return text if len(text) <= 200 else f"sha256:{hashlib.sha256(text.encode()).hexdigest()}"


def _value_keyed(key: Any) -> bool:
    """A (type, value) key: the value cannot change under the same key."""
    return isinstance(key, tuple) and len(key) == 2 and all(isinstance(p, str) for p in key)


def _signals_of(api_cls: Any, collab: Any, key: Any, value: Any, types: Any) -> dict[str, str]:
    """The kept signals one fetched item holds (validated)."""
    converted = api_cls.naive_convert_to_signal_type(types, collab, {key: value})
    signals: dict[str, str] = {}
    for signal_type, values in converted.items():
        name = signal_type.get_name()
        if name not in KEPT_TYPES:
            continue
        for signal in values:
            signals.setdefault(name, signal)
    carried = getattr(value, "signals", None)
    if isinstance(carried, dict) and isinstance(carried.get("vpdq"), str):
        signals.setdefault("vpdq", carried["vpdq"])
    if _value_keyed(key) and key[0] == "vpdq" and "vpdq" not in signals:
        try:
            vpdq.parse(key[1])
            signals["vpdq"] = key[1]
        except SignalError:
            pass
    return signals


@dataclass
class FetchReport:
    """What one fetch of one exchange did."""

    name: str
    pages: int = 0
    added: int = 0
    removed: int = 0
    skipped: int = 0
    up_to_date: bool = False
    error: str = ""


def fetch(
    store: Store,
    settings: Settings,
    name: str,
    *,
    actor: str,
    max_seconds: float | None = None,
    wait_seconds: float = 300.0,
    on_change: Callable[[], None] | None = None,
) -> FetchReport:
    """Fetch one exchange into its bank from its checkpoint (see the module docstring), after
    any fetch already running here (at most ``wait_seconds``). ``on_change`` runs when entries
    were added or withdrawn, before the fetch is recorded as finished (so a status that says
    "up to date" is one whose items already match)."""
    exchanges = Exchanges(store)
    info = exchanges.get(name)
    report = FetchReport(name)
    if not info.enabled:
        report.error = "disabled"
        return report
    if not _FETCHING.acquire(timeout=wait_seconds):
        report.error = "another fetch is running"
        return report
    try:
        exchanges.start_fetch(name)
        try:
            _fetch(exchanges, settings, info, report, actor, max_seconds)
        except Exception as exc:  # any API or network failure: recorded, the next run retries
            log.warning("exchange %s: fetch failed: %s", name, exc)
            report.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        if on_change is not None and (report.added or report.removed):
            on_change()
        exchanges.finish_fetch(name, up_to_date=report.up_to_date, error=report.error)
    finally:
        _FETCHING.release()
    return report


def _fetch(
    exchanges: Exchanges,
    settings: Settings,
    info: ExchangeInfo,
    report: FetchReport,
    actor: str,
    max_seconds: float | None,
) -> None:
    client, collab = client_for(info, exchanges, settings)
    api_cls = type(client)
    checkpoint = None
    if info.checkpoint is not None:
        checkpoint = _threatexchange().json.dataclass_load_dict(
            info.checkpoint, api_cls.get_checkpoint_cls()
        )
        if checkpoint.is_stale():
            if isinstance(checkpoint, _threatexchange().no_checkpointing):
                report.up_to_date = True  # a static list, fetched once already
                return
            checkpoint = None
    types = [threatexchange().pdq, threatexchange().video_md5]
    started = time.monotonic()
    for delta in client.fetch_iter(types, checkpoint):
        _commit(exchanges, api_cls, collab, info.name, delta, types, report, actor)
        report.pages += 1
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            return  # resumes from this page's checkpoint next time
    report.up_to_date = True


def _commit(
    exchanges: Exchanges,
    api_cls: Any,
    collab: Any,
    name: str,
    delta: Any,
    types: Any,
    report: FetchReport,
    actor: str,
) -> None:
    keyed = {item_key(key): (key, value) for key, value in delta.updates.items()}
    known = exchanges.known_items(name, list(keyed))
    gone = [k for k, (key, value) in keyed.items() if k in known and value is None]
    replaced = [
        k
        for k, (key, value) in keyed.items()
        if k in known and value is not None and not _value_keyed(key)
    ]
    for k in gone + replaced:
        try:
            exchanges.store.withdraw(name, known[k], actor=actor)
        except StoreError:
            pass  # withdrawn already (by hand, or a page committed twice)
    exchanges.forget_items(name, gone + replaced)
    report.removed += len(gone)
    items = []
    for k, (key, value) in keyed.items():
        if value is None or (k in known and k not in replaced):
            continue
        signals = _signals_of(api_cls, collab, key, value, types)
        if not signals:
            report.skipped += 1
            continue
        try:
            items.append((k, signal_fingerprint(signals)))
        except SignalError:
            report.skipped += 1
    checkpoint = dump(delta.checkpoint)
    report.added += exchanges.commit_page(
        name, items, checkpoint, delta.checkpoint.get_progress_timestamp(), actor=actor
    )


def fetch_all(
    store: Store,
    settings: Settings,
    *,
    actor: str,
    wait_seconds: float = 300.0,
    on_change: Callable[[], None] | None = None,
) -> list[FetchReport]:
    """Fetch every enabled exchange, one after the other."""
    reports = []
    for name in Exchanges(store).names():
        try:
            reports.append(
                fetch(
                    store,
                    settings,
                    name,
                    actor=actor,
                    wait_seconds=wait_seconds,
                    on_change=on_change,
                )
            )
        except FetchError as exc:
            reports.append(FetchReport(name, error=str(exc)))
    return reports


class ExchangeScheduler:
    """Fetches every enabled exchange every ``exchange_fetch_minutes`` on a daemon thread (a
    running service), the first time half a minute after start; a failure is recorded on the
    exchange and tried again at the next turn."""

    def __init__(
        self, store: Store, settings: Settings, on_change: Callable[[], None] | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rempart-exchanges", daemon=True)

    def start(self) -> None:
        if self.settings.exchange_fetch_minutes > 0:
            self._thread.start()

    def _run(self) -> None:
        interval = self.settings.exchange_fetch_minutes * 60
        wait = min(30.0, interval)
        while not self._stop.wait(wait):
            wait = interval
            try:
                # a caller's fetch already running: this turn skips that exchange
                fetch_all(
                    self.store,
                    self.settings,
                    actor="serve",
                    wait_seconds=0,
                    on_change=self.on_change,
                )
            except Exception:  # noqa: BLE001 (a failed turn must not end the thread)
                log.exception("scheduled exchange fetch failed")

    def close(self) -> None:
        self._stop.set()
