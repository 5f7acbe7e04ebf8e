"""`export --engine dask`: the same incidents as one process, for tables too big or too slow for one machine.

The work is spread over a dask.distributed cluster (a LocalCluster on this machine unless `--scheduler` names one):

1. **read**: each input file is a part; a CSV larger than `CHUNK_ROWS` rows is cut into chunks of whole rows (a
   worker reads each with the ordinary loader, so every check and error message is the one-process one, with the
   file and row numbers of the original);
2. **geocode once**: the workers list the distinct (place text, context, role) of their chunks, the cluster resolves
   each distinct one once, and every worker locates its reports from that table;
3. **merge by segment**: the workers send back each report's family and window; the driver cuts them into segments
   that merge independently (incidents.partition: no incident can cross a segment boundary, so no halo is needed)
   and packs segments into parts; each part's reports are gathered on one worker, merged and assessed there;
4. **write**: every part writes its incidents as one GeoParquet file of the dataset `OUT.parquet/` (a folder of
   `part.N.parquet` files, which geopandas, dask-geopandas, DuckDB and Arrow read as one table), typed like our
   other exports. The unresolved records are listed in `OUT.unresolved.json` as always.

The result equals the one-process export of the same inputs, incident for incident (tests/test_dask_engine.py).
"""

from __future__ import annotations

import csv
import glob
import io
import operator
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from incidents.errors import InputError
from incidents.models import Counts, EventFile, Geocode, GeoContext, LocatedReport, MappedEvent, Unresolved
from incidents.verify import StatusPolicy

__all__ = ["run_dask_export", "expand_inputs", "CHUNK_ROWS"]

CHUNK_ROWS = 50_000
_EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")


def expand_inputs(patterns: Sequence[str | Path]) -> list[Path]:
    """Input paths, with glob patterns (`acled/*.csv`) expanded in sorted order; a pattern matching nothing is an
    InputError."""
    out: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        if any(ch in text for ch in "*?["):
            found = sorted(glob.glob(text))
            if not found:
                raise InputError("no file matches this pattern", path=text)
            out.extend(Path(p) for p in found)
        else:
            out.append(Path(text))
    return out


# ------------------------------------------------------------------------------------------------ worker tasks


def _load(path: str, origin: str, first_row: int) -> EventFile:
    """One chunk through the ordinary loader; errors name the original file and row."""
    from incidents.loader import load_event

    try:
        return load_event(path)
    except InputError as exc:
        record = exc.record
        if record and record.startswith("row ") and record[4:].isdigit() and first_row:
            record = f"row {int(record[4:]) + first_row}"
        raise InputError(exc.message, path=origin, record=record, field=exc.field) from None


def _place_keys(event: EventFile) -> set[tuple[Any, ...]]:
    """The distinct lookups locating this chunk's reports asks the resolver for."""
    keys = set()
    for r in event.reports:
        offline = r.lat is not None and r.lon is not None
        if offline and (r.radius_m is not None or r.precision is not None):
            continue  # explicit coordinates with their radius: no lookup at all
        keys.add((r.where, event.context.country, event.context.city, event.context.admin1, r.place_role.value,
                  offline))
    return keys


def _resolve_keys(keys: list[tuple[Any, ...]], online: str | None,
                  gazetteers: Sequence[str]) -> dict[tuple[Any, ...], Geocode | str]:
    """Each lookup resolved once: a Geocode, or the error's text."""
    from incidents.errors import IncidentMapError
    from incidents.geocode import default_resolver
    from incidents.models import PlaceRole

    resolver = default_resolver(online, gazetteers=gazetteers)
    out: dict[tuple[Any, ...], Geocode | str] = {}
    for key in keys:
        where, country, city, admin1, role, offline = key
        context = GeoContext(country=country, city=city, admin1=admin1)
        try:
            out[key] = (resolver.offline() if offline else resolver).resolve(where, context, role=PlaceRole(role))
        except IncidentMapError as exc:
            out[key] = f"{type(exc).__name__}\x1f{exc}"
    return out


class _TableResolver:
    """The resolver interface over the cluster's table of answers (online or offline alike)."""

    def __init__(self, table: dict[tuple[Any, ...], Geocode | str], offline: bool = False) -> None:
        self.table = table
        self._offline = offline

    def offline(self) -> _TableResolver:
        return _TableResolver(self.table, True)

    def resolve(self, text: str, context: GeoContext, *, role: Any = None) -> Geocode:
        from incidents import errors

        key = (text, context.country, context.city, context.admin1, getattr(role, "value", role), self._offline)
        found = self.table[key]
        if isinstance(found, str):
            kind, _, message = found.partition("\x1f")
            raise getattr(errors, kind, errors.GeocodeError)(message)
        return found


def _prepare(event: EventFile, first: EventFile, context: GeoContext) -> EventFile:
    """The chunk as the one-process pipeline sees it in the combined event: the first file's zone and reference
    date (times of another zone pinned first, as incidents.inputs does) and the combined context."""
    from incidents.inputs import _rezoned

    event = _rezoned(event, first)
    return event.model_copy(update={"timezone": first.timezone, "reference_date": first.reference_date,
                                    "context": context})


def _locate(event: EventFile, table: dict[tuple[Any, ...], Geocode | str]) -> tuple[list[LocatedReport],
                                                                                   list[Unresolved], np.ndarray]:
    """The chunk's located reports, its unresolved ones, and (family, start µs, end µs) per located report."""
    from incidents.pipeline import locate_reports
    from incidents.taxonomy import event_type_info

    located, unresolved = locate_reports(event, _TableResolver(table), progress=False)  # type: ignore[arg-type]
    families = sorted({event_type_info(t).family for t in _all_types()})
    code = {f: i for i, f in enumerate(families)}
    keys = np.empty((len(located), 3), dtype=np.int64)
    for i, r in enumerate(located):
        keys[i, 0] = code[event_type_info(r.report.event_type).family]
        keys[i, 1] = (np.datetime64(r.time.start.replace(tzinfo=None), "us") - _EPOCH_US).astype(np.int64)
        keys[i, 2] = (np.datetime64(r.time.end.replace(tzinfo=None), "us") - _EPOCH_US).astype(np.int64)
    return located, unresolved, keys


def _all_types() -> tuple[str, ...]:
    from incidents.taxonomy import event_types

    return tuple(event_types())


def _split(located: tuple[list[LocatedReport], Any, Any], parts: np.ndarray,
           n_parts: int) -> list[list[LocatedReport]]:
    buckets: list[list[LocatedReport]] = [[] for _ in range(n_parts)]
    for report, part in zip(located[0], parts.tolist(), strict=True):
        buckets[part].append(report)
    return buckets


def _merge_and_write(part: int, buckets: list[list[LocatedReport]], event: dict[str, Any],
                     policy: StatusPolicy, merge: bool, folder: str) -> tuple[int, int]:
    """One part merged, assessed and written as `part.N.parquet`; returns (incidents, reports)."""
    from incidents.merge import merge_reports
    from layers.frame import to_geodataframe

    from .export.gpkg import typed

    located = [r for bucket in buckets for r in bucket]
    incidents = merge_reports(located, policy, merge=merge)
    mapped = MappedEvent.model_construct(incidents=tuple(incidents), unresolved=(), notes=(), reports_read=len(located),
                                         **event)
    frame = typed(to_geodataframe(mapped, "incidents", flat=True))
    target = Path(folder) / f"part.{part:05d}.parquet"
    frame.to_parquet(target, index=False, compression="zstd")
    return len(incidents), len(located)


# ------------------------------------------------------------------------------------------------------ driver


def _chunks(path: Path, work: Path) -> list[tuple[str, str, int]]:
    """(chunk file, original file, rows before it) for `path`: a big CSV cut into CHUNK_ROWS-row files."""
    from incidents.loader import read_input_text

    if path.suffix.lower() != ".csv" or path.stat().st_size < CHUNK_ROWS * 40:
        return [(str(path), str(path), 0)]
    out = []
    text = read_input_text(path)  # the bounded, checked reader every input goes through (size, UTF-8, regular file)
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return [(str(path), str(path), 0)]
        rows: list[list[str]] = []
        first = 1  # the header is row 1, so a chunk's row k is the original's row k + first - 1
        for row in reader:
            rows.append(row)
            if len(rows) == CHUNK_ROWS:
                out.append(_write_chunk(work, len(out), header, rows, path, first))
                first += len(rows)
                rows = []
        if rows or not out:
            out.append(_write_chunk(work, len(out), header, rows, path, first))
    return out


def _write_chunk(work: Path, n: int, header: list[str], rows: list[list[str]], origin: Path,
                 first: int) -> tuple[str, str, int]:
    chunk = work / f"{origin.stem}.{n:05d}.csv"
    with chunk.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(chunk), str(origin), first - 1


def _client(workers: int | None, scheduler: str | None):
    import logging

    try:
        from dask.distributed import Client, LocalCluster
    except ModuleNotFoundError as exc:
        raise InputError("--engine dask needs dask: pip install 'incident-mapper[dask]'", field="--engine") from exc
    # the cluster's own INFO chatter only with -v, like ours (distributed sets its loggers to INFO on import)
    level = logging.getLogger("maps").getEffectiveLevel()
    logging.getLogger("distributed").setLevel(level)

    if scheduler:
        try:
            return Client(scheduler, timeout="30s"), None
        except (ValueError, OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the dask scheduler {scheduler[:200]!r}: {str(exc)[:200]}",
                             field="--scheduler") from None
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=None,
                           # a failed task is reported by us, in one line: the workers' own tracebacks only with -v
                           silence_logs=level if level <= logging.INFO else logging.CRITICAL)
    return Client(cluster), cluster


def _check_ids(ids_per_chunk: list[list[str]], chunks: list[tuple[str, str, int]]) -> None:
    """Report ids must be unique across every input, as in one process (incidents.inputs)."""
    seen: dict[str, str] = {}
    for ids, (_, origin, _) in zip(ids_per_chunk, chunks, strict=True):
        for report_id in ids:
            if report_id in seen:
                raise InputError(f"report id {report_id!r} also appears in {seen[report_id]}; ids must be unique",
                                 path=origin, record=f"report '{report_id}'", field="id")
            seen[report_id] = origin


def run_dask_export(
    inputs: Sequence[str | Path],
    output: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    online: str | None = None,
    policy: StatusPolicy | None = None,
    merge: bool = True,
    gazetteers: Sequence[str | Path] = (),
    parts_per_worker: int = 4,
) -> tuple[Counts, list[Unresolved], list[Path]]:
    """Map `inputs` on a dask cluster into the GeoParquet dataset `output` (a folder of part files).

    Returns the accounting (as one process prints it), the unresolved records and the part files written.
    """
    from dask.distributed import wait

    from incidents.inputs import _context  # the one-process rule for combining contexts
    from incidents.partition import pack_parts, time_segments

    if output.suffix.lower() != ".parquet":
        raise InputError("--engine dask writes a partitioned GeoParquet dataset: name it OUT.parquet",
                         field="-o/--output")
    if output.exists() and not output.is_dir():
        raise InputError("exists and is not a dataset folder; --engine dask writes OUT.parquet as a folder",
                         path=str(output), field="-o/--output")
    policy = policy or StatusPolicy()
    paths = expand_inputs(inputs)
    from incidents.geocode import default_resolver

    default_resolver(online, gazetteers=gazetteers)  # a bad gazetteer file fails here, before the cluster starts
    gazetteer_paths = [str(Path(g).resolve()) for g in gazetteers]
    client, cluster = _client(workers, scheduler)
    work = Path(tempfile.mkdtemp(prefix=".incident-map-dask-", dir=output.parent))
    try:
        chunks = [c for p in paths for c in _chunks(p, work)]
        loaded = client.map(_load, *zip(*chunks, strict=True), pure=False)
        wait(loaded)
        for future in loaded:
            if future.status == "error":
                raise future.exception()
        heads = client.gather(client.map(_head, loaded))
        _check_ids(client.gather(client.map(_report_ids, loaded)), chunks)
        context = _context([(Path(c[1]), h) for c, h in zip(chunks, heads, strict=True)])
        first = heads[0]
        events = client.map(_prepare, loaded, first=first, context=context)
        keys = sorted(set().union(*client.gather(client.map(_place_keys, events))), key=repr)
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        batches = [keys[i :: n_workers * 4] for i in range(n_workers * 4)]
        table: dict[tuple[Any, ...], Geocode | str] = {}
        for answers in client.gather(client.map(_resolve_keys, batches, online=online, gazetteers=gazetteer_paths,
                                                 pure=False)):
            table.update(answers)
        shared = client.scatter(table, broadcast=True) if table else {}  # nothing to look up: every row has its point
        located = client.map(_locate, events, table=shared)
        summaries = client.gather(client.map(_summary, located))
        unresolved = [u for s, _ in summaries for u in s]
        keys_all = np.concatenate([k for _, k in summaries])
        n_parts = max(1, min(n_workers * parts_per_worker, len(keys_all) // 1000 or 1))
        parts = pack_parts(time_segments(keys_all[:, 0], keys_all[:, 1], keys_all[:, 2]), n_parts)
        offsets = np.cumsum([0] + [len(k) for _, k in summaries]).tolist()
        pieces = [client.submit(_split, f, parts[offsets[i] : offsets[i + 1]], n_parts) for i, f in enumerate(located)]
        staging = work / "out"
        staging.mkdir()
        event = {"title": first.title, "timezone": first.timezone, "context": context, "sources": ()}
        per_part = []
        for part in range(n_parts):  # each part gathers only its own bucket of every chunk
            buckets = [client.submit(operator.getitem, piece, part) for piece in pieces]
            per_part.append(client.submit(_merge_and_write, part, buckets, event, policy, merge, str(staging),
                                          pure=False))
        made = client.gather(per_part)
        if output.exists():  # the previous dataset is moved aside, the new one takes its name, then the old goes
            old = work / "previous"
            os.replace(output, old)
        os.replace(staging, output)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)
    n_incidents, n_mapped = sum(m[0] for m in made), sum(m[1] for m in made)
    counts = Counts(read=n_mapped + len(unresolved), mapped=n_mapped, incidents=n_incidents,
                    merged=n_mapped - n_incidents, unresolved=len(unresolved), notes=sum(len(h.notes) for h in heads))
    return counts, unresolved, sorted(output.glob("part.*.parquet"))


def _head(event: EventFile) -> EventFile:
    return event.model_copy(update={"reports": [], "sources": []})


def _report_ids(event: EventFile) -> list[str]:
    return [r.id for r in event.reports]


def _summary(located: tuple[list[LocatedReport], list[Unresolved], np.ndarray]) -> tuple[list[Unresolved], np.ndarray]:
    return located[1], located[2]
