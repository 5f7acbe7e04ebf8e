"""A render killed (SIGKILL) in the middle of writing its map leaves the previous map byte-identical; the outputs of
one run are a set (all new or all old) after a kill -9 before or between their renames, and on a full disk.

Deterministic: the child process runs the real CLI with `open` inside incidents.atomic wrapped so that the map's
temporary file gets half its bytes, is flushed, a marker file is written, and the child then waits to be killed.
No hook in the product code is needed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maps.cli import main
from tests.support import SEED

N_REPORTS = 5_000

CHILD = r"""
import json, os, sys, time
from pathlib import Path

import incidents.atomic as atomic

marker, target = Path(sys.argv[1]), sys.argv[2]
real_open = open


class HalfThenHang:
    '''A file whose first write stops half-way, made durable, then hangs until the process is killed.'''

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)

    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        os.fsync(self.fh.fileno())
        marker.write_text(json.dumps({"tmp": self.fh.name, "full": len(data)}))
        while True:
            time.sleep(1)

    def __getattr__(self, name):
        return getattr(self.fh, name)


def patched_open(path, mode="r", *args, **kwargs):
    fh = real_open(path, mode, *args, **kwargs)
    return HalfThenHang(fh) if "w" in mode and Path(path).name.startswith("." + target + ".") else fh


atomic.open = patched_open  # a module global shadows the builtin inside write_atomic

from maps.cli import main

sys.exit(main(sys.argv[3:]))
"""


def big_event(path: Path, title: str, n: int = N_REPORTS) -> Path:
    """`n` (N_REPORTS) reports with explicit coordinates spread over Venezuela, as JSON (a map of a few MB)."""
    doc = {
        "title": title,
        "timezone": "America/Caracas",
        "reference_date": "2026-01-06",
        "sources": [{"id": f"s{i}", "name": f"Source {i}"} for i in range(50)],
        "reports": [
            {
                "id": f"r{i}",
                "event_type": "gunfire",
                "where": f"place {i}",
                "lat": 1 + (i % 100) * 0.1,
                "lon": -72 + (i // 100) * 0.2,
                "radius_m": 300,
                "when": f"2026-01-{1 + i % 28:02d}",
                "source": f"s{i % 50}",
                "summary": f"Report {i}: " + "gunfire heard in the distance " * 5,
            }
            for i in range(n)
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def wait_for(path: Path, proc: subprocess.Popen, limit_s: float = 120.0) -> dict:
    """The marker's content once the child has written it (a guard against hanging, not a timing assertion)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return json.loads(path.read_text())
        if proc.poll() is not None:
            raise AssertionError(f"the child ended before pausing: {proc.returncode} {proc.stderr.read()[-2000:]}")
        time.sleep(0.05)
    raise AssertionError("the child never reached the write")


def test_sigkill_mid_write_leaves_the_previous_map_intact(tmp_path: Path, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "map.html"
    assert main(["render", str(big_event(tmp_path / "first.json", "First run")), "-o", str(target)]) == 0
    capsys.readouterr()
    good = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert set(good) == {"map.html", "map.unresolved.json"}

    marker = tmp_path / "paused.json"
    second = big_event(tmp_path / "second.json", "Second run")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), target.name, "render", str(second), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        paused = wait_for(marker, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # the previous outputs are byte-identical; the target was never half-written
    assert target.read_bytes() == good["map.html"]
    assert (out_dir / "map.unresolved.json").read_bytes() == good["map.unresolved.json"]
    # what the killed process left is its hidden temporary file, half-written, beside (never instead of) the target
    leftovers = sorted(p.name for p in out_dir.iterdir() if p.name not in good)
    assert leftovers == [Path(paused["tmp"]).name]
    assert leftovers[0].startswith(".map.html.") and leftovers[0].endswith(".tmp")
    assert 0 < (out_dir / leftovers[0]).stat().st_size < paused["full"]
    assert b"Second run" not in target.read_bytes()

    # a later run replaces the map whole
    assert main(["render", str(second), "-o", str(target)]) == 0
    assert b"Second run" in target.read_bytes() and target.read_bytes().rstrip().endswith(b"</html>")


def test_outputs_never_replace_devices_or_directories(tmp_path: Path, capsys):
    import os

    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    (tmp_path / "folder.html").mkdir()
    assert main(["render", str(SEED), "-o", str(tmp_path / "folder.html")]) == 2  # click: "is a directory"
    capsys.readouterr()
    for target in (fifo, Path("/dev/null")):  # the user's choice of path: one line, exit 2, checked before writing
        assert main(["render", str(SEED), "-o", str(target)]) == 2
        assert "not a regular file" in capsys.readouterr().err
    assert fifo.is_fifo() and Path("/dev/null").is_char_device()


def test_temp_files_left_by_a_killed_run_are_cleaned_up_once_stale(tmp_path: Path):
    import os

    from incidents.atomic import STALE_AFTER_S, write_atomic

    target = tmp_path / "map.html"
    old = tmp_path / ".map.html.abcd1234.html.tmp"
    fresh = tmp_path / ".map.html.efgh5678.html.tmp"  # maybe another run still writing: left alone
    other = tmp_path / ".other.html.abcd1234.html.tmp"
    for leftover in (old, fresh, other):
        leftover.write_text("half")
    past = os.stat(old).st_mtime - STALE_AFTER_S - 10
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    write_atomic(target, "whole")
    assert target.read_text() == "whole" and not old.exists() and fresh.exists() and other.exists()


def test_replaced_outputs_keep_their_permissions(tmp_path: Path):
    import os

    from incidents.atomic import write_atomic

    private = tmp_path / "private.html"
    private.write_text("old")
    os.chmod(private, 0o600)
    write_atomic(private, "new")
    assert private.stat().st_mode & 0o777 == 0o600
    fresh = write_atomic(tmp_path / "fresh.html", "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


# ------------------------------------------------------------------ the outputs of one run, as a set

SET_CHILD = r"""
import os, sys, time
from pathlib import Path

import incidents.output_set as output_set

marker, stage, out_dir = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
real_replace = os.replace
renamed = []


def pause():
    marker.write_text(stage)
    while True:
        time.sleep(1)


def replace(src, dst, *args, **kwargs):
    '''Kill point "between renames": after the set's first output is renamed over its target.'''
    real_replace(src, dst, *args, **kwargs)
    name = os.path.basename(dst)
    if os.path.dirname(os.path.abspath(dst)) == out_dir and not name.startswith(".incident-map-commit."):
        renamed.append(name)
        if stage == "between renames" and len(renamed) == 1:
            pause()


real_commit = output_set.OutputSet.commit


def commit(self):
    '''Kill point "before renames": every output is written whole to its temporary, nothing renamed yet.'''
    if stage == "before renames":
        pause()
    return real_commit(self)


os.replace = replace
output_set.OutputSet.commit = commit

from maps.cli import main

sys.exit(main(sys.argv[4:]))
"""


def _set_outputs(out_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out_dir.iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize("stage", ["before renames", "between renames"])
def test_sigkill_during_a_multi_output_run_leaves_all_old_or_is_finished_by_the_next_run(
    tmp_path: Path, capsys, stage: str
):
    """render -o map.html --geojson map.geojson killed before or between its renames: never a mixed set for good."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = ["-o", str(out_dir / "map.html"), "--geojson", str(out_dir / "map.geojson")]
    first = big_event(tmp_path / "first.json", "First run", 200)
    assert main(["render", str(first), *argv]) == 0
    old = _set_outputs(out_dir)
    assert set(old) == {"map.html", "map.geojson", "map.unresolved.json"}

    second = big_event(tmp_path / "second.json", "Second run", 200)
    assert main(["render", str(second), *argv]) == 0
    new = _set_outputs(out_dir)
    assert main(["render", str(first), *argv]) == 0 and _set_outputs(out_dir) == old
    capsys.readouterr()

    marker = tmp_path / "paused.txt"
    proc = subprocess.Popen(
        [sys.executable, "-c", SET_CHILD, str(marker), stage, str(out_dir), "render", str(second), *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (marker.exists() and marker.read_text()):
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            assert time.monotonic() < deadline, "the child never reached its kill point"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    journals = sorted(out_dir.glob(".incident-map-commit.*.json"))
    if stage == "before renames":
        assert _set_outputs(out_dir) == old and journals == []  # all old; only hidden temporaries beside them
    else:
        mixed = _set_outputs(out_dir)
        assert mixed != old and mixed != new and len(journals) == 1  # mid-rename: the journal names the set

    # the next run into the folder (here: another output) first finishes what the killed run left
    assert main(["export", str(first), "-o", str(out_dir / "other.csv")]) == 0
    err = capsys.readouterr().err
    after = {k: v for k, v in _set_outputs(out_dir).items() if not k.startswith("other.")}
    assert after == (old if stage == "before renames" else new)
    assert ("earlier run was interrupted" in err) == (stage == "between renames")
    assert not list(out_dir.glob(".incident-map-commit.*"))


def _tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode()[:200]}")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 4 MiB tmpfs (root only, as in CI); skipped where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("a full-disk test needs root to mount a small tmpfs")
    disk = tmp_path / "disk"
    _tmpfs(disk, "4m")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Fill `disk` until only about `leave` bytes are free."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "filler.bin", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


@pytest.mark.parametrize("command", [
    ["export", "{src}", "-o", "{disk}/e.geojson", "--reports", "--polygons"],
    ["render", "{src}", "-o", "{disk}/map.html", "--geojson", "{disk}/map.geojson"],
])
def test_a_full_disk_leaves_every_old_output_and_no_temporary(small_disk: Path, tmp_path: Path, capsys, command):
    def run(src: Path) -> int:
        return main([part.format(src=src, disk=small_disk) for part in command])

    small = big_event(tmp_path / "small.json", "Old run", 20)
    assert run(small) == 0
    old = _set_outputs(small_disk)
    assert len(old) >= 3
    _fill(small_disk, 200_000)  # room for a few of the small outputs, not for the big run's
    capsys.readouterr()
    assert run(big_event(tmp_path / "big.json", "New run", 2_000)) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    (small_disk / "filler.bin").unlink()
    assert _set_outputs(small_disk) == old  # all old
    assert [p.name for p in small_disk.iterdir() if p.name.startswith(".")] == []  # no temporary, no journal


class _FullDisk:
    """A file whose write stores half the data, then fails as a full disk does (ENOSPC)."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.fh.__exit__(*exc)

    def write(self, data):
        import errno

        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.fh, name)


def _disk_fills_up(monkeypatch, name: str) -> None:
    import builtins

    import incidents.atomic as atomic

    real_open = builtins.open

    def patched(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return _FullDisk(fh) if "w" in mode and Path(path).name.startswith(f".{name}.") else fh

    monkeypatch.setattr(atomic, "open", patched, raising=False)


def test_a_write_failing_mid_way_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path, monkeypatch):
    from incidents.atomic import write_atomic
    from incidents.errors import OutputError

    target = tmp_path / "map.html"
    target.write_text("the old map")
    _disk_fills_up(monkeypatch, "map.html")
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, "a new map " * 1000)
    assert target.read_text() == "the old map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_a_set_whose_second_output_fails_keeps_every_old_output(tmp_path: Path, monkeypatch):
    from incidents.atomic import write_atomic
    from incidents.errors import OutputError
    from incidents.output_set import output_set

    first, second = tmp_path / "map.html", tmp_path / "map.geojson"
    first.write_text("old map")
    second.write_text("old geojson")
    _disk_fills_up(monkeypatch, "map.geojson")
    with pytest.raises(OutputError), output_set([first, second]):
        write_atomic(first, "new map")  # written whole to its temporary, not yet renamed
        write_atomic(second, "new geojson")
    assert (first.read_text(), second.read_text()) == ("old map", "old geojson")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.geojson", "map.html"]


def test_a_set_commits_every_output_and_leaves_no_journal(tmp_path: Path):
    from incidents.atomic import write_atomic
    from incidents.output_set import output_set

    targets = [tmp_path / "a.html", tmp_path / "sub" / "b.geojson"]
    targets[1].parent.mkdir()
    with output_set(targets):
        for target in targets:
            write_atomic(target, f"new {target.name}")
            assert not target.exists()  # nothing is visible before the whole set is written
    assert [t.read_text() for t in targets] == ["new a.html", "new b.geojson"]
    assert [p.name for p in tmp_path.rglob(".*")] == []
