"""Static files under fingerprinted names with long cache lifetimes, and gzip compression of
text responses for the browsers that accept it.

`static_url("css/app.css")` gives `/static/css/app.<hash>.css`: the name changes when the
content does, so browsers and proxies may keep it for a year without ever showing a stale
file. The plain name still works (revalidated on each use). Static text files are
compressed once per version and kept in memory; pages are compressed as they leave.

Compressed pages and BREACH: the secret a page carries is the CSRF token, which Flask-WTF
signs with a timestamp, so its bytes change every second and it cannot be guessed one
byte at a time across many responses; the raw session token inside it is useless without
the server's key.
"""

import gzip
import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
}
MIN_SIZE = 512  # smaller bodies gain too little to be worth the work
LEVEL = 6


@dataclass(frozen=True)
class StaticFile:
    """A static file's bytes, compressed bytes and fingerprint, for one version of it."""

    version: tuple  # (modification time, size): a changed file is read again
    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


class StaticFiles:
    """Static files read once per version, with their fingerprint and compressed form."""

    def __init__(self, folder: str):
        self.folder = folder
        self.files: dict[str, StaticFile] = {}
        self.lock = threading.Lock()

    def get(self, filename: str) -> StaticFile | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            found = os.stat(path)
        except OSError:
            return None
        if not S_ISREG(found.st_mode):
            return None
        version = (found.st_mtime_ns, found.st_size)
        known = self.files.get(filename)
        if known is not None and known.version == version:
            return known
        body = Path(path).read_bytes()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        gzipped = gzip.compress(body, 9, mtime=0) if mimetype in COMPRESSIBLE else None
        item = StaticFile(version, hashlib.sha256(body).hexdigest()[:12], body, gzipped, mimetype)
        with self.lock:
            self.files[filename] = item
        return item


def _store() -> StaticFiles:
    return current_app.extensions["lms_static_files"]


def static_url(filename: str) -> str:
    """The URL of a static file under its fingerprinted name (its plain name if missing)."""
    item = _store().get(filename)
    if item is None:
        return url_for("static", filename=filename)
    stem, dot, suffix = filename.rpartition(".")
    name = f"{stem}.{item.digest}.{suffix}" if dot else f"{filename}.{item.digest}"
    return url_for("static", filename=name)


def accepts_gzip() -> bool:
    """Whether the browser said it takes gzip."""
    return request.accept_encodings["gzip"] > 0


def serve_static(filename: str):
    """A static file; under its fingerprinted name, cacheable for a year."""
    store = _store()
    item = store.get(filename)
    immutable = False
    if item is None:
        match = FINGERPRINT.match(filename)
        if match is None:
            abort(404)
        item = store.get(match["stem"] + match["suffix"])
        if item is None:
            abort(404)
        # An old fingerprint (a page cached before a deploy) gets today's file, briefly.
        immutable = match["digest"] == item.digest
    compressed = item.gzipped is not None and accepts_gzip()
    response = Response(item.gzipped if compressed else item.body, mimetype=item.mimetype)
    if item.gzipped is not None:
        response.vary.add("Accept-Encoding")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(item.digest + ("-gz" if compressed else ""))
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"  # use the copy after checking its ETag
    return response.make_conditional(request)


def compress_response(response: Response) -> Response:
    """gzip a text response for a browser that accepts it; say that the body varies by it."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or request.endpoint == "static"
    ):
        return response
    response.vary.add("Accept-Encoding")
    if response.status_code != 200 or not accepts_gzip():
        return response
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(body, LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if response.get_etag()[0]:
        etag, weak = response.get_etag()
        response.set_etag(etag + "-gz", weak)
    return response


def register(app: Flask) -> None:
    """Serve static files this way, offer `static_url` to templates, compress responses."""
    app.extensions["lms_static_files"] = StaticFiles(app.static_folder)
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(compress_response)
