"""Rempart: fingerprint a victim's photos, bank the fingerprints, find re-shared copies.

The library is the product; the CLI (``rempart.cli``) and later the HTTP service only parse,
call and format.
"""

__version__ = "0.1.0"
