"""The outputs of one run, committed as a set: all new or all old after any failure, kill -9 or full disk.

    with output_set([map_html, map_geojson], report=print_to_stderr):
        write_atomic(map_html, ...)        # written whole to a hidden temporary, not yet renamed
        write_geojson(mapped, map_geojson) # likewise (every writer goes through incidents.atomic)
    # here: journal written, every temporary renamed over its target, journal removed

See incidents.atomic for the journal. Entering the block first finishes a set an earlier, killed run left half
renamed in the folders of these outputs (its journal names complete temporaries: they are renamed, then the journal is
removed) and says so through `report`. A journal whose process still runs is another run's commit in progress and is
left alone; one that cannot be read is reported and left for a person to look at.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .atomic import ACTIVE_SET, fsync_directory
from .errors import OutputError

__all__ = ["OutputSet", "output_set", "recover_interrupted", "JOURNAL_GLOB"]

JOURNAL_PREFIX = ".incident-map-commit."
JOURNAL_GLOB = f"{JOURNAL_PREFIX}*.json"
_JOURNAL_MAX_BYTES = 1 << 20
STALE_JOURNAL_S = 3600.0  # a journal this old is an interrupted commit even if its process id was reused


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own process has no commit in progress while it starts a new one
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _read_journal(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(_JOURNAL_MAX_BYTES))
    except (OSError, ValueError):
        return None
    renames = data.get("renames") if isinstance(data, dict) else None
    if not isinstance(renames, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair) for pair in renames
    ):
        return None
    return data


def _roll_forward(journal: Path, data: dict) -> list[str]:
    """Rename every temporary the journal names that is still there; remove every copy of the journal."""
    done = []
    for tmp, target in data["renames"]:
        if os.path.lexists(tmp):
            os.replace(tmp, target)
        done.append(target)
    for copy in [*data.get("journals", []), str(journal)]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(copy)
    for directory in {str(Path(t).parent) for _, t in data["renames"]}:
        fsync_directory(Path(directory))
    return done


def recover_interrupted(directories: Iterable[Path], report: Callable[[str], None] | None = None) -> list[str]:
    """Finish the sets that killed runs left half renamed in `directories`; the targets completed, for the record."""
    completed: list[str] = []
    for directory in dict.fromkeys(Path(d) for d in directories):
        for journal in sorted(directory.glob(JOURNAL_GLOB)):
            data = _read_journal(journal)
            if data is None:
                if report:
                    report(f"incident-map: warning: {journal} is an unreadable commit journal of an earlier run; "
                           "check the outputs it sits beside, then delete it")
                continue
            pid = data.get("pid")
            fresh = time.time() - float(data.get("time", 0) or 0) < STALE_JOURNAL_S
            if isinstance(pid, int) and fresh and _alive(pid):
                continue  # another run is committing right now
            try:
                done = _roll_forward(journal, data)
            except OSError as exc:
                raise OutputError(f"{journal}: cannot finish the interrupted commit of an earlier run: "
                                  f"{exc.strerror or exc}") from exc
            completed += done
            if report:
                names = ", ".join(done[:5]) + (f" and {len(done) - 5} more" if len(done) > 5 else "")
                report(f"incident-map: note: an earlier run was interrupted while replacing its outputs; "
                       f"finished replacing {names}")
    return completed


class OutputSet:
    """The (temporary, target) pairs written so far in an `output_set` block, renamed together by `commit`."""

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}  # target -> its complete temporary

    def add(self, tmp: Path, target: Path) -> None:
        """Called by incidents.atomic when `tmp` holds the whole new `target`."""
        key = Path(os.path.abspath(target))
        earlier = self.pending.pop(key, None)
        if earlier is not None and earlier != tmp:
            with contextlib.suppress(FileNotFoundError):
                earlier.unlink()
        self.pending[key] = Path(os.path.abspath(tmp))

    def discard(self) -> None:
        """Remove every temporary: the old outputs stay as they were."""
        for tmp in self.pending.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self.pending.clear()

    def _write_journals(self) -> list[Path]:
        directories = list(dict.fromkeys(t.parent for t in self.pending))
        token = secrets.token_hex(4)
        journals = [d / f"{JOURNAL_PREFIX}{token}.json" for d in directories]
        body = json.dumps({
            "format": 1, "pid": os.getpid(), "time": time.time(), "journals": [str(j) for j in journals],
            "renames": [[str(tmp), str(target)] for target, tmp in self.pending.items()],
        }, indent=1).encode()
        written: list[Path] = []
        try:
            for journal in journals:
                partial = journal.with_name(journal.name + ".part")
                try:
                    with open(partial, "wb") as fh:
                        fh.write(body)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(partial, journal)
                finally:
                    with contextlib.suppress(FileNotFoundError):
                        partial.unlink()
                written.append(journal)
                fsync_directory(journal.parent)
        except OSError as exc:
            for journal in written:
                with contextlib.suppress(FileNotFoundError):
                    journal.unlink()
            raise OutputError(f"{journals[0].parent}: cannot write the outputs' commit journal: "
                              f"{exc.strerror or exc}") from exc
        return journals

    def commit(self) -> list[Path]:
        """Rename every temporary over its target; one output needs no journal (one rename is atomic)."""
        if not self.pending:
            return []
        try:
            journals = self._write_journals() if len(self.pending) > 1 else []
        except OutputError:
            self.discard()
            raise
        failed: list[str] = []
        for target, tmp in self.pending.items():
            try:
                os.replace(tmp, target)
            except OSError as exc:
                failed.append(f"{target}: {exc.strerror or exc}")
        for directory in dict.fromkeys(t.parent for t in self.pending):
            fsync_directory(directory)
        targets = list(self.pending)
        self.pending.clear()
        if failed:
            raise OutputError(f"{len(failed)} of {len(targets)} outputs could not be replaced ({failed[0]}); "
                              "the next run into this folder finishes the set")
        for journal in journals:
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
        return targets


@contextlib.contextmanager
def output_set(targets: Iterable[Path] = (), report: Callable[[str], None] | None = None) -> Iterator[OutputSet]:
    """Commit every atomic write made inside the block as one set (see the module notes).

    `targets`: the outputs the block will write; their folders are where an earlier run's interrupted set is
    looked for and finished first. `report` receives the one-line notes about such recoveries.
    """
    recover_interrupted((Path(os.path.abspath(t)).parent for t in targets), report)
    if ACTIVE_SET.get() is not None:  # nested: the outer set commits everything
        yield ACTIVE_SET.get()  # type: ignore[misc]
        return
    current = OutputSet()
    token = ACTIVE_SET.set(current)
    try:
        yield current
    except BaseException:
        current.discard()
        raise
    finally:
        ACTIVE_SET.reset(token)
    current.commit()
