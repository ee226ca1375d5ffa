"""PNG files: their pixel size, and text chunks that carry facts about the picture.

A figure's smallest text, measured when the snippet that draws it runs
(lessonbuild/captures/figure_text.py), travels inside the PNG as a tEXt chunk, so the site
checks find it beside the picture.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes):
    """(type, data, start, end) of each chunk."""
    if png[:8] != SIGNATURE:
        raise ValueError("not a PNG")
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, end = png[at + 4 : at + 8], at + 12 + length
        yield kind, png[at + 8 : at + 8 + length], at, end
        at = end


def size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the IHDR chunk."""
    if png[:8] != SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def text(png: bytes) -> dict[str, str]:
    """The PNG's tEXt chunks, {keyword: text}."""
    found = {}
    for kind, data, _, _ in _chunks(png):
        if kind == b"tEXt":
            key, _, value = data.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
    return found


def with_text(png: bytes, key: str, value: str) -> bytes:
    """The same PNG with a tEXt chunk KEY = VALUE (replacing one of the same key)."""
    data = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    kept = [png[:8]]
    for kind, old, start, end in _chunks(png):
        if kind == b"IEND":
            kept.append(chunk)
        if not (kind == b"tEXt" and old.partition(b"\0")[0] == key.encode("latin-1")):
            kept.append(png[start:end])
    return b"".join(kept)
