"""Atomic output: write to a temporary file beside the target, then rename over it; several outputs as one set.

One file: `write_atomic`/`atomic_path` write a hidden temporary file beside the target (`.map.html.XXXXXXXX.html.tmp`),
fsync it and rename it over the target, so a reader sees the old file or the whole new one, never a part.

A set of files (`output_set`, see incidents.output_set): inside the block every atomic write stops before its
rename; at the end of the block, when every output was written whole, the renames are done together. Before them
a small journal (`.incident-map-commit.XXXXXXXX.json`, beside the outputs) names every (temporary, target) pair; it
is removed after the last rename. A run killed between the journal and the last rename leaves the journal, and the
next run writing into that folder finishes the renames first (roll forward: every temporary it names is complete).
Any failure before the renames (a full disk, a refused input, an exception) removes every temporary of the set and
leaves every old output as it was: all new or all old.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OutputError

if TYPE_CHECKING:
    from .output_set import OutputSet

__all__ = ["write_atomic", "atomic_path", "fsync_directory"]

ACTIVE_SET: ContextVar[OutputSet | None] = ContextVar("incident_map_output_set", default=None)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on failure it is removed."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{target}: output directory {directory} does not exist")
    if target.is_dir() or (target.exists() and not target.is_file()):
        # a rename would replace a directory entry such as /dev/full or a named pipe with our file
        raise OutputError(f"{target}: not a regular file; choose a file path for the output")
    tail = suffix if suffix is not None else target.suffix + ".tmp"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=tail, dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if tmp.exists():
            os.chmod(tmp, _mode_for(target))
            _fsync(tmp)
            pending = ACTIVE_SET.get()
            if pending is not None:
                pending.add(tmp, target)  # renamed with the rest of the set at its end
            else:
                os.replace(tmp, target)
            # mkstemp names are prefix + 8 random characters + suffix
            _remove_stale(directory, f".{glob.escape(target.name)}.{'?' * 8}{glob.escape(tail)}")
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


STALE_AFTER_S = 3600.0


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or what a new file gets under the umask (mkstemp's 0600 would hide it)."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync(path: Path) -> None:
    """Data on disk before the rename, whoever wrote the file (GDAL, matplotlib, our writers)."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_directory(directory: Path) -> None:
    """Make renames and removals in `directory` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale(directory: Path, pattern: str) -> None:
    """Temporary files that interrupted (killed) earlier runs left beside the target, once they are an hour old."""
    cutoff = time.time() - STALE_AFTER_S
    for leftover in directory.glob(pattern):
        with contextlib.suppress(OSError):
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def write_atomic(target: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` to `target` so that readers see either the old file or the whole new one."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        try:
            with open(tmp, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    return Path(target)
