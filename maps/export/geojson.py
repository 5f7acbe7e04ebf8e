"""GeoJSON export (RFC 7946): one Point per incident with raw properties; optional uncertainty polygons and reports.

Files are streamed: features are serialised a chunk at a time into the temporary file that then replaces the target,
so a million incidents never exist as one list of dicts (nor as one 1.6 GB bytes object). The properties are those of
`layers.properties` (see `layers.fast_properties`, which builds the same dicts faster and is checked against
them on every write).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import shapely
from shapely.geometry import mapping

from incidents.atomic import atomic_path
from incidents.errors import OutputError
from incidents.gc_pause import gc_paused
from incidents.models import Incident, MappedEvent
from incidents.records import event_record, note_record
from layers.fast_properties import FastProperties, presorted, property_builders
from layers.geometry import uncertainty_circles

__all__ = ["write_geojson", "feature_collection", "note_records", "sibling", "round_coords", "CHUNK"]

DECIMALS = 6
CHUNK = 1024  # features serialised per orjson call
WRITEBACK = 64 << 20  # bytes after which the writer asks the kernel to start writing them out
_SORTED = orjson.OPT_SORT_KEYS


def sibling(path: Path, label: str) -> Path:
    """`out.geojson` -> `out.<label>.geojson` (and likewise for other suffixes)."""
    return path.with_name(f"{path.stem}.{label}{path.suffix}")


def round_coords(value: Any) -> Any:
    """Coordinates (nested lists/tuples of floats) rounded to 6 decimals."""
    if isinstance(value, (list, tuple)):
        return [round_coords(v) for v in value]
    return round(float(value), DECIMALS)


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)], "type": "Point"}


def feature_collection(
    features: list[dict[str, Any]],
    name: str | None = None,
    event: dict[str, Any] | None = None,
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection (no `crs`: WGS84 longitude/latitude is implied).

    `event` (title, time zone, context) and `notes` (the context notes, claims with no place) are kept as foreign
    members so the file loads back as the whole incident file.
    """
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if name:
        collection["name"] = name
    if event:
        collection["event"] = event
    if notes:
        collection["notes"] = notes
    return collection


def note_records(mapped: MappedEvent) -> list[dict[str, Any]]:
    """The event's context notes as `incidents.records.NOTE_COLUMNS` records, with their sources."""
    sources = {s.id: s for s in mapped.sources}
    return [note_record(n, sources.get(n.source) if n.source else None) for n in mapped.notes]


def _write_back(fd: int, written: list[int]) -> None:
    """Ask the kernel to start writing out what was written since the last call, and to drop what the call before
    asked for (written out by now): a big file neither piles up dirty pages nor leaves a long final fsync.

    `written` is [bytes written, start of the previous advised range, end of it]; advice is advice, so a platform
    without posix_fadvise, or one that refuses it, changes nothing.
    """
    total, start, end = written
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, start, total - start, os.POSIX_FADV_DONTNEED)
        except OSError:
            pass
    written[1], written[2] = end, total


def _chunks(items: Sequence[Any], size: int | None = None) -> Iterator[Sequence[Any]]:
    size = CHUNK if size is None else size  # read at call time, so a test can make many small chunks
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stream(
    path: Path, collection: dict[str, Any], chunks: Iterable[list[dict[str, Any]]], *, presorted: bool = False
) -> Path:
    """Write `collection` with its features taken from `chunks`: the bytes `orjson.dumps(..., sorted keys)` gives.

    `presorted`: every dict in the chunks already has its keys in sorted order (no sorting needed). A writer thread
    does the file writes (they release the GIL) while the next chunk is serialised; the cyclic GC is paused
    meanwhile (see incidents.gc_pause: with it running, a million incidents take three times as long).
    """
    head, marker, tail = orjson.dumps(collection, option=_SORTED).partition(b'"features":[]')
    if not marker:  # pragma: no cover - feature_collection always has the member
        raise AssertionError("a FeatureCollection without features")
    option = 0 if presorted else _SORTED
    with atomic_path(path) as tmp, gc_paused():
        try:
            with open(tmp, "wb") as fh, ThreadPoolExecutor(max_workers=1, thread_name_prefix="geojson") as pool:
                pending: deque[Future[None]] = deque()
                written = [0, 0, 0]  # bytes written; where the last advised range starts; where it ends

                def write_out(data: bytes) -> None:
                    fh.write(data)
                    written[0] += len(data)
                    if written[0] - written[2] >= WRITEBACK:
                        fh.flush()
                        _write_back(fh.fileno(), written)

                def write(data: bytes) -> None:
                    while len(pending) >= 2:  # at most two chunks in flight: memory stays bounded
                        pending.popleft().result()
                    pending.append(pool.submit(write_out, data))

                write(head + b'"features":[')
                first = True
                for chunk in chunks:
                    if chunk:
                        body = orjson.dumps(chunk, option=option)[1:-1]
                        write(body if first else b"," + body)
                        first = False
                write(b"]" + tail + b"\n")
                while pending:
                    pending.popleft().result()
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path


# Features and geometries below are built with their keys in sorted order (see _stream's `presorted`).


def _point_features(incidents: Sequence[Incident], properties: Callable[[Incident], dict[str, Any]]):
    rounded = getattr(getattr(properties, "__self__", None), "rounded", None)
    for chunk in _chunks(incidents):
        features = []
        for inc in chunk:
            if rounded is None:
                geometry = _point(inc.geocode.lon, inc.geocode.lat)
            else:
                lon, lat, _ = rounded(inc.geocode)
                geometry = {"coordinates": [lon, lat], "type": "Point"}
            features.append({"geometry": geometry, "id": inc.id, "properties": properties(inc), "type": "Feature"})
        yield features


def _report_features(incidents: Sequence[Incident], properties: Callable[..., dict[str, Any]]):
    for chunk in _chunks(incidents):
        yield [
            {
                "geometry": _point(r.geocode.lon, r.geocode.lat),
                "id": r.report.id,
                "properties": properties(r, inc.id),
                "type": "Feature",
            }
            for inc in chunk
            for r in inc.reports
        ]


def _circle_geometries(circles: np.ndarray) -> list[dict[str, Any]]:
    """GeoJSON geometries of shapely polygons, coordinates rounded to 6 decimals (plain rings vectorised)."""
    kinds = shapely.get_type_id(circles)
    counts = shapely.get_num_coordinates(circles)
    holes = shapely.get_num_interior_rings(circles)
    coords = np.round(shapely.get_coordinates(circles), DECIMALS).tolist()
    out: list[dict[str, Any]] = []
    offset = 0
    for circle, kind, count, hole in zip(circles, kinds.tolist(), counts.tolist(), holes.tolist(), strict=True):
        if kind == 3 and hole == 0:  # a Polygon with one ring
            out.append({"coordinates": [coords[offset : offset + count]], "type": "Polygon"})
        else:
            geometry = mapping(circle)
            out.append({"coordinates": round_coords(geometry["coordinates"]), "type": geometry["type"]})
        offset += count
    return out


def _polygon_features(incidents: Sequence[Incident], properties: Callable[[Incident], dict[str, Any]]):
    fast: FastProperties | None = properties.__self__ if presorted(properties) else None  # type: ignore[attr-defined]
    for chunk in _chunks(incidents):
        circles = uncertainty_circles(
            np.fromiter((i.geocode.lon for i in chunk), float, len(chunk)),
            np.fromiter((i.geocode.lat for i in chunk), float, len(chunk)),
            np.fromiter((i.geocode.radius_m for i in chunk), float, len(chunk)),
        )
        features = []
        for inc, geometry in zip(chunk, _circle_geometries(circles), strict=True):
            if fast is not None:
                props = fast.incident(inc, reports=False)  # without building the report records it would drop
            else:
                props = properties(inc)
                del props["reports"]
            features.append({"geometry": geometry, "id": inc.id, "properties": props, "type": "Feature"})
        yield features


def write_geojson(
    mapped: MappedEvent, path: str | Path, *, polygons: bool = False, reports: bool = False
) -> list[Path]:
    """Write incidents to `path`; with polygons, `<stem>.uncertainty.geojson`; with reports, `<stem>.reports.geojson`."""
    path = Path(path)
    incidents = mapped.incidents
    sample = list(islice(incidents, 0, None, max(1, len(incidents) // 64)))
    incident_props, report_props = property_builders(sample)
    event = event_record(mapped.title, mapped.timezone, mapped.context)
    fast = presorted(incident_props)
    collection = feature_collection([], mapped.title, event, note_records(mapped))
    written = [_stream(path, collection, _point_features(incidents, incident_props), presorted=fast)]
    if polygons:
        collection = feature_collection([], f"{mapped.title} (uncertainty)")
        written.append(
            _stream(
                sibling(path, "uncertainty"), collection, _polygon_features(incidents, incident_props), presorted=fast
            )
        )
    if reports:
        collection = feature_collection([], f"{mapped.title} (reports)", event, note_records(mapped))
        written.append(
            _stream(
                sibling(path, "reports"),
                collection,
                _report_features(incidents, report_props),
                presorted=presorted(report_props),
            )
        )
    return written
