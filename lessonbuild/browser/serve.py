"""Serve a built site under a sub-path on 127.0.0.1, as GitHub Pages serves a project site,
for Debian's headless Chromium (the browser tests and Lighthouse)."""

import contextlib
import functools
import gzip
import http.server
import io
import os
import re
import shutil
import threading
import urllib.parse
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def built_site_url(site: Path) -> str:
    """The URL the site was built for (site_url in mkdocs.yml), from its home page."""
    home = (site / "index.html").read_text()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', home)
    if canonical is None:
        raise RuntimeError("the home page has no canonical link: is site_url set in mkdocs.yml?")
    return canonical[1]


def built_sub_path(site: Path) -> str:
    """The sub-path the site was built for: /kimi-k2-lesson/ unless SITE_URL says otherwise."""
    return urllib.parse.urlsplit(built_site_url(site)).path


# What GitHub Pages sends gzipped to a browser that accepts it: text, not images or fonts.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Like GitHub Pages: text goes gzipped to a browser that accepts it, and a path that names
    no file gets the site's 404.html, status 404. Lighthouse's throttled network then moves as
    many bytes as a reader's phone would."""

    not_found_page: Path | None = None
    extensions_map = http.server.SimpleHTTPRequestHandler.extensions_map | {
        ".js": "application/javascript",
        ".json": "application/json",
        ".ipynb": "application/json",
    }

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urllib.parse.urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"  # (a folder's URL without its slash: redirected below)
        kind = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and kind.startswith(COMPRESSED_TYPES)):
            return super().send_head()
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        if code != 404 or self.not_found_page is None or not self.not_found_page.exists():
            return super().send_error(code, message, explain)
        body = self.not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@functools.cache
def _gzipped(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serve_under_sub_path(site: Path, folder: Path, sub_path: str):
    """Copy site/ to folder/<sub_path>/, serve folder, and yield the site's base URL."""
    served = folder / sub_path.strip("/")
    shutil.copytree(site, served)
    handler = functools.partial(_PagesHandler, directory=str(folder))
    _PagesHandler.not_found_page = served / "404.html"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{sub_path.strip('/')}/"
    finally:
        server.shutdown()
