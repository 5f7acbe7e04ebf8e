"""Real-shaped report tables for the pipeline benchmarks: many reports on few towns, as ACLED country-years pile up.

Shapes (issue 15):
* ``spread`` — every report at its own place (explicit coordinates with a landmark radius) across a year;
* ``towns`` — 50 real town names of one country (geocoded by the product), 365 days;
* ``dense`` — the same 50 towns in 7 days (the shape that made grouping quadratic);
* ``hour`` — one place and one hour: every report describes the same incident.

Town names are real GeoNames places (the 50 most populous of Syria), so geocoding does real work; types, sources,
times and hedges are drawn from a seeded generator, so a shape and a size always give the same table.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["SHAPES", "write_table", "towns"]

SHAPES = ("spread", "towns", "dense", "hour")
COUNTRY = "SY"
START = datetime(2025, 1, 1, tzinfo=UTC)
COLUMNS = ["id", "event_type", "where", "when_start", "when_precision", "source", "source_kind", "summary",
           "hedges", "media", "lat", "lon", "radius_m", "context_country", "event_title", "event_timezone"]


def towns(n: int = 50, country: str = COUNTRY) -> list[str]:
    """The `n` most populous GeoNames places of `country`, by name (one per name)."""
    from incidents.geocode.geonames import geonames_index

    index = geonames_index()
    rows = [r for r in range(index.n_cities) if index.country[r] == country]
    rows.sort(key=lambda r: (-int(index.population[r]), int(index.ids[r])))
    names: list[str] = []
    for row in rows:
        name = index.names[row]
        if name not in names and "," not in name:
            names.append(name)
        if len(names) == n:
            break
    return names


def write_table(path: str | Path, shape: str, n: int, *, seed: int = 15) -> Path:
    """A CSV incident table of `n` reports of `shape` at `path`."""
    import numpy as np

    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
    from incidents.taxonomy import event_types

    rng = np.random.default_rng(seed)
    terms = [t for t in event_types() if t != "other"]
    names = towns()
    days = {"spread": 365, "towns": 365, "dense": 7, "hour": 0}[shape]
    kinds = ["social", "media", "official", "ngo"]
    type_pick = rng.integers(0, len(terms), n)
    town_pick = rng.integers(0, len(names), n)
    source_pick = rng.integers(0, 300, n)
    offsets = rng.integers(0, max(days, 1) * 24, n) if days else np.zeros(n, dtype=int)
    hedged = rng.random(n) < 0.3
    footage = rng.random(n) < 0.5
    lat = rng.uniform(32.5, 37.0, n)
    lon = rng.uniform(36.0, 42.0, n)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for i in range(n):
            term = terms[int(type_pick[i])] if shape != "hour" else "gunfire"
            town = names[int(town_pick[i])] if shape != "hour" else names[0]
            when = START + timedelta(hours=int(offsets[i]))
            explicit = shape == "spread"
            writer.writerow([
                f"r{i}", term, town, when.strftime("%Y-%m-%dT%H:%M+00:00"), "hour" if days == 0 else "day",
                f"s{int(source_pick[i])}", kinds[int(source_pick[i]) % 4],
                f"{term.replace('_', ' ')} reported in {town}.", "reportedly" if hedged[i] else "",
                f"https://example.org/m/{i}.mp4" if footage[i] else "",
                f"{lat[i]:.5f}" if explicit else "", f"{lon[i]:.5f}" if explicit else "",
                "250" if explicit else "", COUNTRY, f"Benchmark {shape} {n}", "Asia/Damascus",
            ])
    return path
