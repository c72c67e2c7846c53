"""RFC 3161 trusted time: ask a time-stamp authority to sign a checkpoint statement, and check a
token later (``rfc3161-client``).

The request carries SHA-256 of the statement's bytes, a nonce and asks for the TSA's certificate,
so ``openssl ts -verify -data statement.txt -in token.tsr -CAfile tsa-ca.pem`` checks it without
Rempart. The URL is the operator's choice (``REMPART_TSA_URL``), fetched with no redirects.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from cryptography import x509

from rempart.errors import EvidenceBrokenError, EvidenceError
from rempart.settings import Settings

MAX_TOKEN_BYTES = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _library() -> None:
    try:
        import rfc3161_client  # noqa: F401
    except ImportError as exc:
        raise EvidenceError(
            "RFC 3161 time-stamps need rfc3161-client: pip install 'rempart[evidence]'"
        ) from exc


def request_token(statement: bytes, settings: Settings) -> bytes:
    """A time-stamp token (the DER TimeStampResp) over SHA-256 of ``statement``."""
    _library()
    from rfc3161_client import (
        HashAlgorithm,
        PKIStatus,
        TimestampRequestBuilder,
        decode_timestamp_response,
    )

    if not settings.tsa_url or not settings.tsa_url.startswith(("https://", "http://")):
        raise EvidenceError("REMPART_TSA_URL must be an http(s) URL")
    request = (
        TimestampRequestBuilder()
        .data(statement)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    http = urllib.request.Request(
        settings.tsa_url,
        data=request.as_bytes(),
        headers={"Content-Type": "application/timestamp-query"},
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(http, timeout=settings.tsa_timeout_seconds) as answer:
            body = answer.read(MAX_TOKEN_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise EvidenceError("the time-stamp authority could not be reached") from exc
    if len(body) > MAX_TOKEN_BYTES:
        raise EvidenceError("the time-stamp authority's answer is too large")
    try:
        response = decode_timestamp_response(body)
    except ValueError as exc:
        raise EvidenceError("the time-stamp authority's answer is not a token") from exc
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise EvidenceError(f"the time-stamp authority refused (status {response.status})")
    if response.tst_info.nonce != request.nonce:
        raise EvidenceError("the time-stamp token answers another request (nonce)")
    check_token(body, statement, None)
    return body


def load_roots(ca_file: Path) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(ca_file.read_bytes())
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"cannot read the TSA CA file {ca_file.name}") from exc


def check_token(token: bytes, statement: bytes, roots: list[x509.Certificate] | None) -> str:
    """Check that ``token`` signs SHA-256 of ``statement`` (and, with ``roots``, that its signer
    chains to one of them); returns the time it states. EvidenceBrokenError says what fails."""
    _library()
    from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise EvidenceBrokenError("the time-stamp token cannot be read") from exc
    imprint = response.tst_info.message_imprint.message
    if imprint != hashlib.sha256(statement).digest():
        raise EvidenceBrokenError("the time-stamp token covers other data")
    if roots:
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify_message(response, statement)
        except VerificationError as exc:
            raise EvidenceBrokenError(f"the time-stamp token's signature fails: {exc}") from exc
    return response.tst_info.gen_time.isoformat()
