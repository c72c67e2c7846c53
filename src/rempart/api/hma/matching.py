"""HMA's matching routes (``/m/…``): raw and per-bank lookups by hash, lookups of a URL or an
uploaded file, the index status and hash comparison, in HMA's shapes.

Rempart matches at once (no index rebuild between an add and its lookup). A PDQ lookup is
Rempart's PDQ index at each bank's threshold (31 by default, as HMA); a vPDQ lookup finds
candidates by their frames and keeps those that pass threatexchange's vPDQ comparison. A URL or
file lookup answers one key per HMA signal type hashed (``{"pdq": {}}`` when nothing matched);
with ``rempart_signals=true`` (or the ``X-Rempart-Signals: all`` header) it adds Rempart's whole
fingerprint's matches under their own keys: ``orb`` (local features, with ``inliers``, no
distance), ``sha256``, ``video_pdq`` (frames matched), and PDQ hits found only by Rempart's
variants (mirror, collage cell) under ``pdq`` with their ``query_variant``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from rempart.api.auth import ERROR_RESPONSES, Caller, Permission, require
from rempart.api.core import log_lookup
from rempart.api.hma.common import (
    Hit,
    abort,
    by_bank,
    flag,
    in_banks,
    json_object,
    one_upload,
    requested_banks,
    wants_extras,
)
from rempart.api.hma.hashing import Media, fetched, hash_media, uploaded
from rempart.api.service import service_of
from rempart.errors import SignalError
from rempart.signals import vpdq
from rempart.signals.fingerprint import Fingerprint, SignalValue, fingerprint_file
from rempart.signals.hma import CONTENT_OF, STORED_AS, threatexchange
from rempart.store.hma import HmaCuration

router = APIRouter(prefix="/m", tags=["hma: matching"], responses=ERROR_RESPONSES)


def signal_types(request: Request) -> dict[str, float]:
    """HMA's signal types with their enabled ratios (operator overrides applied)."""
    ratios = HmaCuration(service_of(request).store).signal_type_ratios()
    return {name: ratios.get(name, 1.0) for name in CONTENT_OF}


def checked_value(request: Request, signal_type: str, signal: str) -> str:
    """The hash, validated as threatexchange validates it (400 otherwise)."""
    ratio = signal_types(request).get(signal_type)
    if ratio is None:
        abort(400, f"No such SignalType '{signal_type[:40]}'")
    if ratio < 0:
        abort(400, f"SignalType '{signal_type}' is not enabled")
    try:
        if signal_type == "vpdq":
            vpdq.parse(signal)
            return signal
        kind = threatexchange().pdq if signal_type == "pdq" else threatexchange().video_md5
        return str(kind.validate_signal_str(signal))
    except Exception as exc:
        abort(400, f"invalid signal: {str(exc)[:120]}")


def signal_hits(request: Request, caller: Caller, signal_type: str, signal: str) -> list[Hit]:
    """The entries one hash matches, closest first, with HMA's distance string."""
    value = checked_value(request, signal_type, signal)
    service = service_of(request)
    if signal_type == "vpdq":
        hits = _vpdq_hits(request, caller, vpdq.parse(value))
        log_lookup(request, caller, signal_type, hits)
        return hits
    table = service.matcher().lookup(
        Fingerprint(source="lookup", kind="hash", values=(SignalValue(signal_type, value),))
    )
    log_lookup(request, caller, signal_type, table)
    return [
        Hit(m.entry_id, {"distance": "-" if signal_type == "video_md5" else str(m.distance or 0)})
        for m in table.matches()
    ]


def _vpdq_hits(request: Request, caller: Caller, features: list[vpdq.VpdqFeature]) -> list[Hit]:
    service = service_of(request)
    if not features:
        return []
    found = service.matcher().match(
        Fingerprint(source="lookup", kind="video", values=vpdq.as_frame_values(features))
    )
    candidates = list(dict.fromkeys(m.entry_id for m in found))
    contents = HmaCuration(service.store).contents(candidates)
    hits = []
    for entry_id in candidates:
        content = contents.get(entry_id)
        if content is None:
            continue
        theirs = (
            vpdq.parse(content.signals["vpdq"])
            if "vpdq" in content.signals
            else vpdq.from_stored(
                service.store.entry_signal_rows(entry_id, "video_pdq", actor=caller.actor)
            )
        )
        comparison = vpdq.compare(features, theirs)
        if comparison.match:
            hits.append(Hit(entry_id, {"distance": comparison.pretty_str()}))
    return hits


@router.get("/raw_lookup")
def raw_lookup(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    signal_type: str | None = None,
    signal: str | None = None,
    banks: str | None = None,
    include_distance: str | None = None,
) -> dict[str, list[Any]]:
    """``{"matches": [id, …]}``, or with ``include_distance`` ``[{"bank_content_id",
    "distance"}]``; enabled or not (HMA: the caller checks)."""
    if not signal_type or not signal:
        abort(400, "signal_type and signal are required")
    with_distance = flag(include_distance, "include_distance")
    hits = in_banks(
        request, caller, signal_hits(request, caller, signal_type, signal), requested_banks(banks)
    )
    if with_distance:
        return {"matches": [{"bank_content_id": h.entry_id, **h.fields} for h in hits]}
    return {"matches": [h.entry_id for h in hits]}


def _per_bank(request: Request, caller: Caller, hits: list[Hit]) -> dict[str, list[Any]]:
    """HMA's per-bank answer for these hits, with the request's ``banks``, ``seed`` and
    ``bypass_coinflip``."""
    query = request.query_params
    return by_bank(
        request,
        caller,
        hits,
        banks=requested_banks(query.get("banks")),
        seed=query.get("seed"),
        bypass_coinflip=flag(query.get("bypass_coinflip"), "bypass_coinflip"),
    )


def _lookup_one(
    request: Request, caller: Caller, signal_type: str, signal: str
) -> dict[str, list[dict[str, Any]]]:
    return _per_bank(request, caller, signal_hits(request, caller, signal_type, signal))


def _lookup_media(request: Request, caller: Caller, media: Media) -> dict[str, Any]:
    """One key per hashed signal type, then Rempart's own signals if asked."""
    hashes, _ = hash_media(request, media)
    answer: dict[str, Any] = {}
    for signal_type, value in hashes.items():
        answer[signal_type] = _lookup_one(request, caller, signal_type, value) if value else {}
    if wants_extras(request):
        _add_rempart_matches(request, caller, media, answer)
    return answer


def _add_rempart_matches(
    request: Request, caller: Caller, media: Media, answer: dict[str, Any]
) -> None:
    """Rempart's whole-fingerprint matches of the file, each under its own signal's key."""
    service = service_of(request)
    fingerprint = service.decode(media.path, fingerprint_file, media.path, service.settings)
    found = service.matcher().match(fingerprint)
    log_lookup(request, caller, "content", found)
    already = {
        (signal, hit["bank_content_id"])
        for signal, banks in answer.items()
        for hits in banks.values()
        for hit in hits
    }
    hits_by_signal: dict[str, list[Hit]] = {}
    for m in found:
        if (m.signal, m.entry_id) in already:
            continue
        fields: dict[str, Any] = {}
        if m.inliers is not None:
            fields["inliers"] = m.inliers
        else:
            fields["distance"] = str(m.distance or 0)
        if m.frames:
            fields["frames"] = len(m.frames)
        if m.query_variant and m.query_variant != "original":
            fields["query_variant"] = m.query_variant
        hits_by_signal.setdefault(m.signal, []).append(Hit(m.entry_id, fields))
    for signal, hits in hits_by_signal.items():
        extra = _per_bank(request, caller, hits)
        merged = answer.setdefault(signal, {})
        for bank, items in extra.items():
            merged.setdefault(bank, []).extend(items)


@router.get("/lookup")
def lookup(
    request: Request,
    caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    url: str | None = None,
    content_type: str | None = None,
    types: str | None = None,
    signal_type: str | None = None,
    signal: str | None = None,
    banks: str | None = None,
    seed: str | None = None,
    bypass_coinflip: str | None = None,
) -> dict[str, Any]:
    """By hash: ``{BANK: [{"bank_content_id", "distance"}]}``. By ``url``: ``{signal_type:
    {BANK: […]}}``, or only ``signal_type``'s inner dict when it is given."""
    if not url:
        if not signal or not signal_type:
            abort(400, "Either url or both signal and signal_type are required")
        return _lookup_one(request, caller, signal_type, signal)
    if not caller.may(Permission.HASH):
        abort(403, "Hashing is disabled, missing role")
    with fetched(request, url, content_type, types) as media:
        answer = _lookup_media(request, caller, media)
    if signal_type is not None:
        selected: dict[str, Any] = answer.get(signal_type, {})
        return selected
    return answer


@router.post("/lookup")
async def lookup_upload(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.MATCH))]
) -> dict[str, Any]:
    """``{signal_type: {BANK: […]}}`` of one uploaded file (field ``photo`` or ``video``)."""
    if not caller.may(Permission.HASH):
        abort(403, "Hashing is disabled, missing role")
    upload = await one_upload(request)
    if upload is None:
        abort(400, "Missing multipart/form-data file upload")
    field, upload_file, _ = upload

    def work() -> dict[str, Any]:
        with uploaded(request, field, upload_file) as media:
            return _lookup_media(request, caller, media)

    return await run_in_threadpool(work)


@router.get("/index/status")
def index_status(
    request: Request,
    _caller: Annotated[Caller, Depends(require(Permission.MATCH))],
    signal_type: str | None = None,
) -> dict[str, dict[str, Any]]:
    """``{signal_type: {"present", "built_to", "size"}}``: Rempart's index holds every added
    hash at once, so it is present once loaded and built to the newest entry."""
    service = service_of(request)
    names = list(CONTENT_OF)
    if signal_type is not None:
        if signal_type not in names:
            abort(400, f"No such signal type '{signal_type[:40]}'")
        names = [signal_type]
    counts = HmaCuration(service.store).signal_counts()
    ready = service.live.ready
    status: dict[str, dict[str, Any]] = {}
    for name in names:
        size, newest = counts.get(STORED_AS[name], (0, -1))
        status[name] = {
            "present": ready,
            "built_to": newest if ready else -1,
            "size": size if ready else 0,
        }
    return status


@router.post("/compare")
async def compare(
    request: Request, _caller: Annotated[Caller, Depends(require(Permission.MATCH))]
) -> dict[str, Any]:
    """``{signal_type: [match, {"distance": n}]}`` for each pair ``{signal_type: [h1, h2]}``."""
    body = await json_object(request, "Request input was not a dict")
    results: dict[str, Any] = {}
    for signal_type, pair in body.items():
        if not isinstance(pair, list):
            abort(400, f"Comparison hashes for {str(signal_type)[:40]} was not a list")
        if len(pair) != 2:
            abort(400, "Comparison hash list length must be exactly 2")
        if not all(isinstance(h, str) for h in pair):
            abort(400, f"Invalid {str(signal_type)[:40]} hash")
        left = checked_value(request, signal_type, pair[0])
        right = checked_value(request, signal_type, pair[1])
        results[signal_type] = _compare(signal_type, left, right)
    return results


def _compare(signal_type: str, left: str, right: str) -> list[Any]:
    if signal_type == "pdq":  # threatexchange's own comparison and threshold
        match, similarity = threatexchange().pdq.compare_hash(left, right)
        return [match, {"distance": similarity.distance}]
    if signal_type == "vpdq":
        comparison = vpdq.compare(vpdq.parse(left), vpdq.parse(right))
        return [
            comparison.match,
            {
                "query_match_percent": comparison.query_match_percent,
                "compared_match_percent": comparison.compared_match_percent,
            },
        ]
    if signal_type == "video_md5":
        return [left == right, {}]
    raise SignalError(f"{signal_type} does not support hash comparison")
