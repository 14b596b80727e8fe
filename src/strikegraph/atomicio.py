"""Write files atomically: a temporary file in the same folder, then ``os.replace``.

A reader (or a crash, or a second writer) never sees a half-written output: the target is
either the previous file or the complete new one. The temporary name is unique, so two
writers of the same target do not write into each other's temporary file; the last
``os.replace`` wins whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_open", "write_bytes", "write_text"]


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, fsync: bool = True) -> Iterator[IO[bytes]]:
    """A binary handle whose content replaces ``path`` when the ``with`` block succeeds.

    On an exception the temporary file is removed and ``path`` is left as it was. The
    parent folder is created if needed. ``fsync`` flushes the data to disk before the
    rename, so a power loss too leaves the old or the new file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        "wb", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True) -> Path:
    """Replace ``path`` by ``data`` atomically; returns the path."""
    with atomic_open(path, fsync=fsync) as handle:
        handle.write(data)
    return Path(path)


def write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", fsync: bool = True
) -> Path:
    """Replace ``path`` by ``text`` atomically; returns the path."""
    return write_bytes(path, text.encode(encoding), fsync=fsync)


def _umask() -> int:
    """The process umask (NamedTemporaryFile creates 0600 files; outputs get the usual mode).

    Read from /proc where possible: ``os.umask`` can only be read by setting it, which
    would briefly change it for every thread of the process.
    """
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current
