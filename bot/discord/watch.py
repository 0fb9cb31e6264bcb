"""Noticing changes in the seeds folder, for `article-bot run --watch`."""

from __future__ import annotations

from pathlib import Path

Signature = tuple[tuple[str, int, int], ...]


def folder_signature(folder: Path) -> Signature:
    """Name, size and modification time of each file; equal signatures mean nothing changed.

    Polling a folder of a few text files costs microseconds and works on every file system
    (network drives and containers included), so no file-notification library is needed.
    """
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return ()
    signature = []
    for path in entries:
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            signature.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(signature)
