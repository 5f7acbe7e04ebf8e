"""Benchmark the offline resolver on real UCDP GED / ACLED location descriptions with their published coordinates.

    python -m benchmarks.ucdp_acled_sample SAMPLE.csv [--json OUT]

The sample is not bundled (ACLED's terms forbid redistributing its rows; UCDP's data is CC BY 4.0 but is kept with
it): build it from the public data and pass its path. SAMPLE.csv has one row per event with the columns

    dataset    "UCDP GED" or "ACLED"
    event_id   the dataset's id (UCDP `id`, ACLED `event_id_cnty`)
    country    the country as published (a name, "Syria", or an ISO code)
    admin1     the first-level area as published (UCDP `adm_1`, ACLED `admin1`), may be empty
    location   the place as published (UCDP `where_coordinates`, ACLED `location`)
    latitude, longitude   the published point
    precision  UCDP `where_prec` (1 = exact location ... 7) or ACLED `geo_precision` (1 = exact town ... 3)
    source     where the row was read (a URL, or repository and path), so every row can be checked

Each row is resolved as an analyst would paste it: "LOCATION, ADMIN1" in the context of its country. Printed:
resolved % of all rows, truth inside our radius % of all rows (unresolved rows count as outside), and the median
radius of the resolved exact-location rows (UCDP where_prec 1, ACLED geo_precision 1).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from incidents.atomic import write_atomic
from incidents.errors import GeocodeError
from incidents.geocode import PlaceResolver, default_resolver
from incidents.geocode.world import distance_km, world_backend
from incidents.models import GeoContext

__all__ = ["SampleRow", "load_sample", "run", "main", "COLUMNS"]

COLUMNS = ("dataset", "event_id", "country", "admin1", "location", "latitude", "longitude", "precision", "source")
_DATASETS = ("UCDP GED", "ACLED")


class SampleError(ValueError):
    """A sample row the benchmark cannot read: names the file, the row and the field."""


@dataclass(frozen=True)
class SampleRow:
    dataset: str
    event_id: str
    country: str
    admin1: str
    location: str
    lat: float
    lon: float
    precision: int
    source: str

    @property
    def exact(self) -> bool:
        """Whether the dataset places the event at the named location itself."""
        return self.precision == 1

    @property
    def text(self) -> str:
        """The place as an analyst pastes it: the location, then its first-level area."""
        if self.admin1 and self.admin1.casefold() not in self.location.casefold():
            return f"{self.location}, {self.admin1}"
        return self.location


def load_sample(path: Path) -> list[SampleRow]:
    """The rows of a sample file (see the module docstring); SampleError naming file, row and field."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise SampleError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for n, raw in enumerate(reader, start=2):
            field = ""
            try:
                field = "dataset"
                if raw["dataset"] not in _DATASETS:
                    raise ValueError(f"not one of {', '.join(_DATASETS)}")
                field = "location"
                if not raw["location"].strip():
                    raise ValueError("empty")
                field = "latitude"
                lat = float(raw["latitude"])
                field = "longitude"
                lon = float(raw["longitude"])
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError("not a point on Earth")
                field = "precision"
                precision = int(raw["precision"])
                field = "source"
                if not raw["source"].strip():
                    raise ValueError("every row cites where it was read")
            except (TypeError, ValueError) as exc:
                raise SampleError(f"{path}: row {n}, field {field}: {exc}") from None
            rows.append(
                SampleRow(
                    dataset=raw["dataset"], event_id=raw["event_id"], country=raw["country"].strip(),
                    admin1=(raw["admin1"] or "").strip(), location=raw["location"].strip(), lat=lat, lon=lon,
                    precision=precision, source=raw["source"].strip(),
                )  # fmt: skip
            )
    return rows


def _country_code(country: str) -> str | None:
    if len(country) == 2 and country.isalpha():
        return country.upper()
    found = world_backend().lookup(country, GeoContext())
    return next((c.country for c in found if c.score == 1.0 and c.feature == "country"), None)


def run(rows: Sequence[SampleRow], resolver: PlaceResolver | None = None) -> dict[str, object]:
    """Resolve every row; the figures and the misses."""
    resolver = resolver or default_resolver().offline()
    resolved = inside = 0
    exact_radii: list[float] = []
    misses: list[dict[str, object]] = []
    for row in rows:
        context = GeoContext(country=_country_code(row.country))
        try:
            got = resolver.resolve(row.text, context)
        except GeocodeError as exc:
            misses.append({"id": row.event_id, "text": row.text, "country": context.country, "error": str(exc)})
            continue
        resolved += 1
        off_km = distance_km(got.lat, got.lon, row.lat, row.lon)
        if off_km * 1000.0 <= got.radius_m:
            inside += 1
        else:
            misses.append({"id": row.event_id, "text": row.text, "country": context.country,
                           "off_km": round(off_km, 1), "radius_km": round(got.radius_m / 1000, 1),
                           "matched": got.entry.name if got.entry else None})  # fmt: skip
        if row.exact:
            exact_radii.append(got.radius_m)
    total = max(len(rows), 1)
    return {
        "rows": len(rows),
        "by_dataset": {d: sum(r.dataset == d for r in rows) for d in _DATASETS},
        "resolved_pct": round(100.0 * resolved / total, 1),
        "inside_pct": round(100.0 * inside / total, 1),
        "exact_rows": sum(r.exact for r in rows),
        "median_exact_radius_km": round(statistics.median(exact_radii) / 1000, 2) if exact_radii else None,
        "misses": misses,
    }


def _report(result: dict[str, object], out: Iterable[str] = ()) -> str:
    lines = [
        f"rows                       {result['rows']} ({', '.join(f'{k} {v}' for k, v in result['by_dataset'].items())})",
        f"resolved                   {result['resolved_pct']} %   (target >= 95 %)",
        f"truth inside our radius    {result['inside_pct']} % of all rows   (target >= 90 %)",
        f"median exact-row radius    {result['median_exact_radius_km']} km over {result['exact_rows']} exact rows"
        "   (target <= 8 km)",
        *out,
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sample", type=Path, help="the sample CSV (see the module docstring)")
    parser.add_argument("--json", type=Path, help="write the figures and every miss here")
    parser.add_argument("--misses", type=int, default=15, help="print this many misses (default 15)")
    args = parser.parse_args(argv)
    try:
        rows = load_sample(args.sample)
    except (OSError, SampleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = run(rows)
    shown = [f"  miss: {orjson.dumps(m).decode()}" for m in result["misses"][: args.misses]]  # type: ignore[index]
    print(_report(result, shown))
    if args.json:
        write_atomic(args.json, orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
