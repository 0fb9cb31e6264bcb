"""A real HTTP server on 127.0.0.1 serving article sources and hostile answers, for fetch tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.sources import NEWS_PAGE, NO_ARTICLE_PAGE, report_pdf, scanned_pdf, zip_bytes

FIFTY_MB = 50 * 1024 * 1024
_CHUNK = 64 * 1024
SLOW_SECONDS = 3.0


class SourceServer:
    """Routes of a news site on a loopback port: pages, PDFs, redirects and misbehaviour."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
            "/news/harbour-tram.html": self._page(
                NEWS_PAGE.read_bytes(), "text/html; charset=utf-8"
            ),
            "/news/": self._page(NO_ARTICLE_PAGE.read_bytes(), "text/html"),
            "/reports/flood-defences.pdf": self._page(report_pdf(), "application/pdf"),
            "/reports/scanned.pdf": self._page(scanned_pdf(), "application/pdf"),
            "/reports/archive.pdf": self._page(zip_bytes(), "application/pdf"),
            "/photo.png": self._page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png"),
            "/notes.txt": self._page(
                b"Allotment rents\n\nRents for the town's allotments will rise by 4 per cent "
                b"next year. The allotment society agreed the rise at its meeting on Monday. "
                b"Plot holders over 65 keep their discount of a third.\n",
                "text/plain; charset=utf-8",
            ),
            "/moved": self._redirect("/news/harbour-tram.html"),
            "/to-metadata": self._redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-loopback": self._redirect("http://127.0.0.1:9/private"),
            "/loop": self._redirect("/loop"),
            "/huge": self._huge,
            "/huge-declared": self._huge_declared,
            "/slow": self._slow,
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                route(self)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    @staticmethod
    def _page(body: bytes, content_type: str) -> Callable[[BaseHTTPRequestHandler], None]:
        def serve(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return serve

    @staticmethod
    def _redirect(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
        def serve(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        return serve

    @staticmethod
    def _huge(handler: BaseHTTPRequestHandler) -> None:
        """50 MB of HTML with no Content-Length, sent until the client hangs up."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<p>" + b"filler " * (_CHUNK // 7) + b"</p>"
        try:
            for _ in range(FIFTY_MB // len(chunk) + 1):  # bounded: 50 MB at most
                handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return

    @staticmethod
    def _huge_declared(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(FIFTY_MB))
        handler.end_headers()
        try:
            handler.wfile.write(b"%PDF-1.7\n")
        except (BrokenPipeError, ConnectionResetError):
            return

    @staticmethod
    def _slow(handler: BaseHTTPRequestHandler) -> None:
        """Headers at once, then nothing for SLOW_SECONDS: a server that stalls."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.flush()
        time.sleep(SLOW_SECONDS)
        try:
            handler.wfile.write(b"<p>late</p>".ljust(100))
        except (BrokenPipeError, ConnectionResetError):
            return

    def __enter__(self) -> SourceServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serving() -> Iterator[SourceServer]:
    """A started server, shut down afterwards (for a fixture)."""
    with SourceServer() as server:
        yield server
