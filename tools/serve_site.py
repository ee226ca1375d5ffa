"""Serve a built site under a sub-path on 127.0.0.1, as GitHub Pages serves a project site."""

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_under_sub_path(site: Path, folder: Path, sub_path: str):
    """Copy site/ to folder/<sub_path>/, serve folder, and yield the site's base URL."""
    shutil.copytree(site, folder / sub_path.strip("/"))
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{sub_path.strip('/')}/"
    finally:
        server.shutdown()
