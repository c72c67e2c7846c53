"""Hasher-Matcher-Actioner's HTTP API (Meta's "Open Media Match"), served by Rempart so that a
client written for HMA works unchanged: its routes, parameters, shapes and status codes (see
``../shared/docs/HMA-API.md`` and the README's HMA section for what differs).
"""

from fastapi import APIRouter

from rempart.api.hma import core, curation, exchanges, hashing, matching

router = APIRouter()
for _part in (core, hashing, matching, curation, exchanges):
    router.include_router(_part.router)

__all__ = ["router"]
