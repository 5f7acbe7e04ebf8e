"""incidents.reading.read_bounded: only regular files, never blocking, never more than the limit."""

from __future__ import annotations

import gzip
import os
import signal
import socket
from pathlib import Path

import pytest

from incidents.errors import InputError
from incidents.loader import load_event
from incidents.reading import read_bounded
from maps.cli import main
from tests.support import SEED


@pytest.fixture(autouse=True)
def never_hang():
    """A guard, not a timing assertion: a read that blocks (a FIFO, /dev/zero) fails the test instead of hanging."""
    def hung(*_):
        raise AssertionError("a read blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _non_regular(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.yaml"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    links = {}
    for name, target in (("zero", "/dev/zero"), ("urandom", "/dev/urandom"), ("proc", "/proc/self/status"),
                         ("sys", "/sys/kernel/mm/transparent_hugepage/enabled"), ("dir", str(tmp_path))):
        link = tmp_path / f"{name}.yaml"
        link.symlink_to(target)
        links[name] = link
    return {"fifo": fifo, "socket": sock_path, **links}


@pytest.mark.parametrize("kind", ["fifo", "socket", "zero", "urandom", "proc", "sys", "dir"])
def test_what_is_not_a_regular_file_is_refused_before_reading(tmp_path: Path, kind: str):
    path = _non_regular(tmp_path)[kind]
    if kind == "sys" and not path.exists():
        pytest.skip("no such /sys file here")
    with pytest.raises(InputError, match="not a regular file") as caught:
        read_bounded(path)
    assert caught.value.one_line().startswith(str(path))
    with pytest.raises(InputError, match="not a regular file"):
        load_event(path)


@pytest.mark.parametrize("kind", ["fifo", "zero", "proc"])
@pytest.mark.parametrize("command", ["render", "export", "extract"])
def test_the_cli_refuses_them_in_one_line(tmp_path: Path, capsys, kind: str, command: str):
    path = _non_regular(tmp_path)[kind]
    if command == "extract":
        article = path.with_suffix(".txt")
        article.symlink_to(path)
        path = article
    out = tmp_path / ("out.yaml" if command == "extract" else "out.geojson" if command == "export" else "out.html")
    assert main([command, str(path), "-o", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0] and str(path) in lines[0], lines
    assert not out.exists()


def test_at_most_the_limit_is_read(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a" * 10)
    assert read_bounded(path, limit=10) == b"a" * 10
    with pytest.raises(InputError, match="limit"):
        read_bounded(path, limit=9)


def test_a_file_that_grows_while_read_stops_at_the_limit(tmp_path: Path, monkeypatch):
    """The size fstat reports is not trusted: the read itself stops at limit + 1 bytes."""
    import incidents.reading as reading

    path = tmp_path / "x.yaml"
    path.write_bytes(b"a" * 100)
    real_fstat = os.fstat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 1

    monkeypatch.setattr(reading.os, "fstat", lambda fd: Small(real_fstat(fd)))
    reads = []
    real_read = os.read
    monkeypatch.setattr(reading.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(InputError, match="larger than the limit"):
        read_bounded(path, limit=50)
    assert sum(reads) <= 51


def test_gzip_is_bounded_by_its_decompressed_size(tmp_path: Path):
    small = tmp_path / "ok.csv.gz"
    small.write_bytes(gzip.compress(b"id,event_type\n"))
    assert read_bounded(small, decompress=True) == b"id,event_type\n"
    bomb = tmp_path / "bomb.csv.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 5_000_000))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(InputError, match="decompresses to more than"):
        read_bounded(bomb, limit=1_000_000, decompress=True)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(b"x" * 1000)[:-12])
    with pytest.raises(InputError, match="gzip"):
        read_bounded(cut, decompress=True)


def test_a_regular_file_reads_as_before(tmp_path: Path):
    assert read_bounded(SEED) == SEED.read_bytes()
    link = tmp_path / "link.yaml"
    link.symlink_to(SEED)
    assert load_event(link).title == load_event(SEED).title


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".shp"])
def test_files_a_library_opens_itself_are_checked_first(tmp_path: Path, suffix: str):
    """GDAL and pyarrow read their files themselves: the same refusals, before they open anything."""
    from incidents.formats.reading import read_table
    from incidents.reading import check_library_input

    fifo = tmp_path / f"layer{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        read_table(fifo)
    big = tmp_path / f"big{suffix}"
    big.write_bytes(b"x" * 11)
    with pytest.raises(InputError, match="the limit is 10 bytes"):
        check_library_input(big, limit=10)
