"""A real HTTPS server on loopback for fetch tests: a throwaway CA, a certificate for localhost,
any handler."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rempart.bench.loopback_tls import make_certificates


@contextmanager
def https_server(folder: Path, handler: type[BaseHTTPRequestHandler]) -> Iterator[tuple[int, Path]]:
    """Serve ``handler`` over HTTPS on 127.0.0.1; yields (port, CA file to trust)."""
    ca, certificate, key = make_certificates(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], ca
    finally:
        server.shutdown()
        server.server_close()


def files_handler(
    files: dict[str, bytes], redirects: dict[str, str] | None = None
) -> type[BaseHTTPRequestHandler]:
    """A handler serving ``files`` by path, and answering 302 to ``redirects``' targets."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if redirects and self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_args: object) -> None:
            pass

    return Handler
