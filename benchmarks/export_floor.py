"""How close the GeoJSON export is to the least a Python writer of these objects can do.

    python -m benchmarks.export_floor [--size 1000000] [--repeat 1]

On one synthetic event (`benchmarks.synthetic`, the objects the pipeline makes), in one process, with the cyclic GC
paused as the exporter pauses it:

* read: every value a feature holds, read once per incident by C loops (`operator.attrgetter` mapped over the
  incidents, then over their geocodes, verdicts and reports); nothing is built. Any writer that reads these objects
  pays at least this.
* lean: features with the incident-level properties only (no nested report records, and none built), built with
  the export's property builder and serialised by orjson chunk by chunk, not written: what dropping the reports
  would leave.
* native: the same incidents serialised by pydantic-core's compiled (Rust) serialiser, chunk by chunk, not written.
  Its output is the models' own shape, not the export's; it shows what compiled code reading these objects costs.
* export: `maps.export.export(event, "x.geojson")`, the real thing (chunks, writer thread, fsync, atomic rename).

Seconds and microseconds per incident are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from operator import attrgetter
from pathlib import Path

import orjson

from benchmarks.synthetic import synthetic_event
from incidents.gc_pause import gc_paused
from incidents.models import MappedEvent

__all__ = ["main", "measure"]

_INCIDENT = attrgetter("id", "title", "place", "event_type", "geocode", "assessment", "time", "reports")
_GEOCODE = attrgetter("lon", "lat", "radius_m", "precision", "method", "role", "qualifier", "entry")
_ENTRY = attrgetter("id", "name", "source")
_VERDICT = attrgetter("status", "reason", "overridden", "independent_sources", "has_media", "hedges")
_LOCATED = attrgetter("report", "geocode", "source", "time")
_REPORT = attrgetter(
    "id",
    "summary",
    "where",
    "url",
    "media",
    "hedges",
    "lat",
    "lon",
    "radius_m",
    "precision",
    "place_role",
    "event_type",
    "override",
    "span",
    "when",
)


def _read(event: MappedEvent, _: Path) -> int:
    rows = list(map(_INCIDENT, event.incidents))
    geos = list(map(_GEOCODE, (r[4] for r in rows)))
    entries = list(map(_ENTRY, (g[7] for g in geos if g[7] is not None)))
    verdicts = list(map(_VERDICT, (r[5] for r in rows)))
    links = list(map(_LOCATED, (link for r in rows for link in r[7])))
    reports = list(map(_REPORT, (link[0] for link in links)))
    return len(rows) + len(geos) + len(entries) + len(verdicts) + len(links) + len(reports)


def _lean(event: MappedEvent, _: Path) -> int:
    from layers.fast_properties import property_builders

    incidents = event.incidents
    incident_props, _reports = property_builders(incidents[:64])
    fast = getattr(incident_props, "__self__", None)
    size = 0
    for start in range(0, len(incidents), 1024):
        features = []
        for incident in incidents[start : start + 1024]:
            if fast is not None:
                props = fast.incident(incident, reports=False)
            else:
                props = incident_props(incident)
                del props["reports"]
            lon, lat = round(incident.geocode.lon, 6), round(incident.geocode.lat, 6)
            geometry = {"coordinates": [lon, lat], "type": "Point"}
            features.append({"geometry": geometry, "id": incident.id, "properties": props, "type": "Feature"})
        size += len(orjson.dumps(features))
    return size


def _native(event: MappedEvent, _: Path) -> int:
    from pydantic import TypeAdapter

    from incidents.models import Incident

    dump = TypeAdapter(tuple[Incident, ...]).dump_json
    incidents = event.incidents
    return sum(len(dump(incidents[start : start + 1024])) for start in range(0, len(incidents), 1024))


def _export(event: MappedEvent, folder: Path) -> int:
    from maps.export import export

    [path, *_] = export(event, folder / "floor.geojson")
    return path.stat().st_size


STEPS: dict[str, Callable[[MappedEvent, Path], int]] = {
    "read": _read,
    "lean": _lean,
    "native": _native,
    "export": _export,
}


def measure(size: int, repeat: int = 1) -> dict[str, float]:
    """Median seconds of each step on a `size`-incident synthetic event."""
    event = synthetic_event(size)
    seconds: dict[str, list[float]] = {name: [] for name in STEPS}
    with tempfile.TemporaryDirectory(prefix="export-floor-") as folder:
        for _ in range(repeat):
            for name, step in STEPS.items():
                with gc_paused():
                    start = time.perf_counter()
                    step(event, Path(folder))
                    seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export_floor", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="incidents in the synthetic event")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the median is printed")
    args = parser.parse_args(argv)
    if args.size < 1 or args.repeat < 1:
        parser.error("--size and --repeat must be at least 1")
    results = measure(args.size, args.repeat)
    for name, seconds in results.items():
        print(f"{name:8s} {seconds:8.2f} s  {seconds / args.size * 1e6:6.2f} µs per incident")
    return 0


if __name__ == "__main__":
    sys.exit(main())
