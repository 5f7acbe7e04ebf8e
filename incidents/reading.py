"""The one way this project reads a user's file: `read_bounded(path)`, for every input format and data file.

Every reader of user-supplied files calls `read_bounded` (incident files, CSV/GeoJSON tables and any other table
format in `incidents.formats`, article texts, policy files, user gazetteers): it is where the limits live, so a new
reader gets them by calling it instead of `open()`/`Path.read_bytes()`.

What it guarantees, before a byte is parsed:
- only a regular file is read: a device (`/dev/zero`, `/dev/urandom`, a terminal), a FIFO, a socket, a directory, or
  a file of the kernel's `/proc` and `/sys` trees (which report size 0 and may never end) is an InputError, one line,
  naming the file. A symlink is followed and judged by what it points at (`zero.yaml -> /dev/zero` is refused).
- the file is opened once (`os.open` with O_NONBLOCK, so opening a FIFO never blocks) and the opened descriptor is
  checked with `fstat`: a file swapped for a device between a check and the read cannot slip through.
- at most `limit + 1` bytes are ever read (default MAX_INPUT_BYTES, 200 MiB): a file that grows while it is read, or
  lies about its size, still ends the read at the limit.
- a gzip-compressed file (`.gz`) is decompressed only with `decompress=True`, and its decompressed size is bounded by
  the same limit (a 10 KB "zip bomb" that inflates to gigabytes stops at limit + 1 bytes).
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

from .errors import InputError

__all__ = ["read_bounded", "check_regular", "check_library_input", "MAX_INPUT_BYTES", "KERNEL_TREES"]

MAX_INPUT_BYTES = 200 * 1024 * 1024
KERNEL_TREES = ("/proc", "/sys")  # "files" there are the kernel's: size 0, endless or changing as they are read
_CHUNK = 1 << 20
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _limit_text(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit:,} bytes"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _refuse(path: str | os.PathLike[str], what: str) -> InputError:
    return InputError(f"is {what}, not a regular file; give the path of a saved file", path=str(path))


def check_regular(path: str | os.PathLike[str]) -> None:
    """InputError unless `path` (after symlinks) is a regular file outside the kernel's /proc and /sys trees.

    Nothing is opened: a FIFO, device or socket is refused from its `stat` alone.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # read_bounded's open names the reason (missing, permission denied, a loop of symlinks)
    if not stat.S_ISREG(mode):
        raise _refuse(path, _kind(mode))
    real = os.path.realpath(path)
    tree = next((t for t in KERNEL_TREES if real == t or real.startswith(t + os.sep)), None)
    if tree is not None:
        raise _refuse(path, f"a file of the kernel's {tree} tree (its size is not its length)")


def check_library_input(path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES) -> None:
    """For a file that a library must open itself (GDAL for a GeoPackage or Shapefile, pyarrow for Parquet): the
    checks of `read_bounded` that need no reading. Only a regular file of at most `limit` bytes passes."""
    check_regular(path)
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if size > limit:
        raise InputError(f"file is {size / 2**20:.0f} MiB; the limit is {_limit_text(limit)}; split it up",
                         path=str(path))


def _read_descriptor(fd: int, path: str | os.PathLike[str], limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise InputError(f"file is larger than the limit of {_limit_text(limit)}; split it up", path=str(path))
    return b"".join(chunks)


def _gunzip(data: bytes, path: str | os.PathLike[str], limit: int) -> bytes:
    """`data` gunzipped (several members allowed), never producing more than limit + 1 bytes."""
    out: list[bytes] = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            while data and size <= limit:
                piece = inflater.decompress(data, limit + 1 - size)
                out.append(piece)
                size += len(piece)
                data = inflater.unconsumed_tail
                if inflater.eof:
                    break
        except zlib.error as exc:
            raise InputError(f"not a readable gzip file: {exc}", path=str(path)) from exc
        if size > limit:
            raise InputError(f"decompresses to more than the limit of {_limit_text(limit)}; split it up",
                             path=str(path))
        if not inflater.eof:
            raise InputError("gzip file is cut short", path=str(path))
        data = inflater.unused_data
    return b"".join(out)


def read_bounded(path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES, decompress: bool = False) -> bytes:
    """The bytes of the regular file at `path`, at most `limit`; an InputError (one line, exit 2) otherwise.

    Every reader of a user's file uses this function (see the module notes): non-regular files are refused before
    any byte is read, opening never blocks, and no more than limit + 1 bytes are read. With `decompress`, a path
    ending in `.gz` is gunzipped under the same limit.
    """
    check_regular(path)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == getattr(os, "ENXIO", None):  # opening a socket (or a FIFO for writing) fails so
            raise _refuse(path, "a socket") from exc
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, _kind(info.st_mode))
        if info.st_size > limit:
            raise InputError(
                f"file is {info.st_size / 2**20:.0f} MiB; the limit is {_limit_text(limit)}; split it up",
                path=str(path),
            )
        try:
            data = _read_descriptor(fd, path, limit)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    finally:
        os.close(fd)
    if decompress and Path(path).suffix.lower() == ".gz":
        return _gunzip(data, path, limit)
    return data
