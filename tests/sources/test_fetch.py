"""SSRF: URL fetches (scan --download, hash and lookup by URL) against real HTTPS servers on
loopback."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from https_server import files_handler, https_server

from rempart.bench.pgserver import free_port
from rempart.errors import FetchError
from rempart.settings import Settings
from rempart.sources.fetch import (
    NOT_ALLOWED,
    NOT_FETCHED,
    check_url,
    fetch_media,
    is_public_address,
)


def _settings(tmp_path: Path, ca: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        fetch_hosts=["localhost"],
        fetch_allow_private=True,
        fetch_ca_file=ca,
        **extra,
    )  # type: ignore[arg-type]


def test_a_redirect_to_an_internal_service_is_not_followed(tmp_path: Path) -> None:
    reached: list[str] = []

    class Internal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            reached.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"internal admin page")

        def log_message(self, *_args: object) -> None:
            pass

    internal = ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    Thread(target=internal.serve_forever, daemon=True).start()
    try:
        redirects = {
            "/photo.jpg": f"http://127.0.0.1:{internal.server_address[1]}/admin",
            "/tls": "https://localhost:1/admin",
        }
        with https_server(
            tmp_path / "tls", files_handler({"/ok.jpg": b"\xff\xd8\xff data"}, redirects)
        ) as (port, ca):
            settings = _settings(tmp_path, ca)
            assert (
                fetch_media(
                    f"https://localhost:{port}/ok.jpg", tmp_path / "dl", settings
                ).read_bytes()
                == b"\xff\xd8\xff data"
            )
            for path in ("/photo.jpg", "/tls"):
                with pytest.raises(FetchError) as refused:
                    fetch_media(f"https://localhost:{port}{path}", tmp_path / "dl", settings)
                assert str(refused.value) == NOT_FETCHED
    finally:
        internal.shutdown()
    assert reached == []  # the internal service never saw a request


def test_plain_http_other_hosts_and_credentials_are_refused_before_any_connection(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    for url in (
        "http://cdn.discordapp.com/a.jpg",
        "https://example.org/a.jpg",
        "https://cdn.discordapp.com.evil.example/a.jpg",
        "https://user:pw@cdn.discordapp.com/a.jpg",
        "ftp://cdn.discordapp.com/a.jpg",
        "https://[::1",
        "https://cdn.discordapp.com:70000/",
        "file:///etc/passwd",
        "//cdn.discordapp.com/a.jpg",
    ):
        with pytest.raises(FetchError) as refused:
            check_url(url, settings)
        assert str(refused.value) == NOT_ALLOWED, url
    assert (
        check_url("https://CDN.discordapp.com./attachments/1/2/a.jpg", settings).hostname
        == "cdn.discordapp.com."
    )


def test_private_addresses_are_refused_after_resolution(tmp_path: Path) -> None:
    with https_server(tmp_path / "tls", files_handler({"/a.jpg": b"\xff\xd8\xff"})) as (port, ca):
        settings = Settings(
            data_dir=tmp_path / "data", fetch_hosts=["localhost"], fetch_ca_file=ca
        )  # private not allowed
        with pytest.raises(FetchError) as refused:
            fetch_media(f"https://localhost:{port}/a.jpg", tmp_path / "dl", settings)
        assert str(refused.value) == NOT_FETCHED
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
    ):
        assert not is_public_address(address), address
    assert is_public_address("162.159.128.233") and is_public_address("2606:4700::6810:84e5")


def test_errors_do_not_tell_a_closed_port_from_an_open_one(tmp_path: Path) -> None:
    with https_server(tmp_path / "tls", files_handler({})) as (port, ca):
        settings = _settings(tmp_path, ca)
        closed = free_port()
        plain = ThreadingHTTPServer(
            ("127.0.0.1", 0), files_handler({"/a.jpg": b"x"})
        )  # open, but not TLS
        Thread(target=plain.serve_forever, daemon=True).start()
        try:
            messages = set()
            for target in (
                f"https://localhost:{closed}/a.jpg",
                f"https://localhost:{plain.server_address[1]}/a.jpg",
                f"https://localhost:{port}/missing.jpg",
            ):
                with pytest.raises(FetchError) as refused:
                    fetch_media(target, tmp_path / "dl", settings)
                messages.add(str(refused.value))
        finally:
            plain.shutdown()
        assert messages == {NOT_FETCHED}


def test_an_oversized_answer_is_cut_off(tmp_path: Path) -> None:
    with https_server(
        tmp_path / "tls", files_handler({"/big.jpg": b"\xff\xd8\xff" + b"0" * 5000})
    ) as (port, ca):
        settings = _settings(tmp_path, ca, max_file_bytes=1000)
        with pytest.raises(FetchError, match="size limit"):
            fetch_media(f"https://localhost:{port}/big.jpg", tmp_path / "dl", settings)
        assert not list((tmp_path / "dl").iterdir())  # no partial file left behind
