"""The whole pipeline on real-shaped tables, side by side with what a user writes by hand, in the same run.

    python -m benchmarks.bench_pipeline [--shapes dense,towns,spread,hour] [--sizes 10000,100000] [--json OUT]

For each shape (benchmarks.shapes) and size, a CSV table of reports is written once; then, each in a fresh
interpreter (its peak RSS from `os.wait4`):

* ours: `load_event` (read and validate every row) → `build_event` (geocode each distinct place once, time, merge
  in space-time, assess status) → the HTML map (`IncidentMap.save`), with the seconds of each stage;
* by hand: `pandas.read_csv` + `geopandas.points_from_xy` + `GeoDataFrame.to_file(..., engine="pyogrio")` to
  GeoJSON, and `to_parquet`, on the same rows with coordinates already filled in (the user had geocoded them).

The ratio printed is ours (whole pipeline) over the by-hand GeoJSON write. Growth is the 100k time over the 10k time
of each stage (linear is 10×).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(table: Path, out: Path) -> dict[str, Any]:
    from incidents.loader import load_event
    from incidents.pipeline import build_event
    from maps.compose import IncidentMap

    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    event = load_event(table)
    stages["load"] = time.perf_counter() - t0
    t = time.perf_counter()
    mapped = build_event(event, progress=False, timings=stages)
    stages["build"] = time.perf_counter() - t
    t = time.perf_counter()
    IncidentMap(mapped).save(out / "ours.html")
    stages["html"] = time.perf_counter() - t
    stages["total"] = time.perf_counter() - t0
    return {"stages": stages, "incidents": len(mapped.incidents), "counts": mapped.counts.line()}


def _by_hand(table: Path, out: Path) -> dict[str, Any]:
    import geopandas as gpd
    import pandas as pd

    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    df = pd.read_csv(table)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
    stages["read"] = time.perf_counter() - t0
    t = time.perf_counter()
    gdf.to_file(out / "hand.geojson", driver="GeoJSON", engine="pyogrio")
    stages["geojson"] = time.perf_counter() - t
    t = time.perf_counter()
    gdf.to_parquet(out / "hand.parquet")
    stages["parquet"] = time.perf_counter() - t
    stages["total_geojson"] = stages["read"] + stages["geojson"]
    stages["total_parquet"] = stages["read"] + stages["parquet"]
    return {"stages": stages}


def _with_coordinates(table: Path) -> Path:
    """The same rows with each town's coordinates filled in, as a user who geocoded them holds them."""
    import pandas as pd

    from incidents.geocode import default_resolver
    from incidents.models import GeoContext

    df = pd.read_csv(table, dtype=str, keep_default_na=False)
    resolver = default_resolver()
    places = {w: resolver.resolve(w, GeoContext(country=c)) for w, c in set(zip(df["where"], df["context_country"], strict=True))}
    missing = df["lat"] == ""
    df.loc[missing, "lat"] = [f"{places[(w)].lat:.5f}" for w in df.loc[missing, "where"]]
    df.loc[missing, "lon"] = [f"{places[(w)].lon:.5f}" for w in df.loc[missing, "where"]]
    path = table.with_name(table.stem + "-xy.csv")
    df.to_csv(path, index=False)
    return path


def _measure(kind: str, table: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.bench_pipeline", "--worker", kind, "--table", str(table),
               "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        stdout.seek(0)
        stderr.seek(0)
        text, err = stdout.read().decode(), stderr.read().decode()
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if os.waitstatus_to_exitcode(status) != 0 or not lines:
        return {"error": (err.strip().splitlines() or ["no output"])[-1]}
    result = json.loads(lines[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return result


def run(shapes: list[str], sizes: list[int], work: Path) -> list[dict[str, Any]]:
    """Every (shape, size) measured: ours and by hand."""
    from benchmarks.shapes import write_table

    results = []
    for shape in shapes:
        for size in sizes:
            table = write_table(work / f"{shape}-{size}.csv", shape, size)
            xy = _with_coordinates(table)
            ours = _measure("ours", table, work)
            hand = _measure("hand", xy, work)
            results.append({"shape": shape, "size": size, "ours": ours, "hand": hand})
            print(_line(results[-1]), flush=True)
    return results


def _line(r: dict[str, Any]) -> str:
    ours, hand = r["ours"], r["hand"]
    if "error" in ours or "error" in hand:
        return f"{r['shape']:>7} {r['size']:>8,}: error {ours.get('error') or hand.get('error')}"
    s, h = ours["stages"], hand["stages"]
    parts = " ".join(f"{k} {v:.2f}s" for k, v in s.items() if k not in ("total", "build"))
    return (f"{r['shape']:>7} {r['size']:>8,}: ours {s['total']:.2f}s ({parts}; {ours['incidents']:,} incidents, "
            f"{ours['peak_rss_mb']:.0f} MB) | by hand GeoJSON {h['total_geojson']:.2f}s, GeoParquet "
            f"{h['total_parquet']:.2f}s | ours/by-hand GeoJSON {s['total'] / h['total_geojson']:.2f}×")


def growth(results: list[dict[str, Any]]) -> list[str]:
    """Per shape and stage, the largest size's seconds over the smallest's, with the size ratio."""
    lines = []
    for shape in dict.fromkeys(r["shape"] for r in results):
        runs = sorted((r for r in results if r["shape"] == shape and "stages" in r["ours"]), key=lambda r: r["size"])
        if len(runs) < 2:
            continue
        lo, hi = runs[0], runs[-1]
        ratio = hi["size"] / lo["size"]
        stages = {k: hi["ours"]["stages"][k] / max(lo["ours"]["stages"][k], 1e-3) for k in lo["ours"]["stages"]}
        lines.append(f"{shape:>7} growth {lo['size']:,}→{hi['size']:,} ({ratio:.0f}× rows): "
                     + ", ".join(f"{k} {v:.1f}×" for k, v in stages.items()))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", default="dense,towns,spread,hour")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--worker", choices=("ours", "hand"))
    parser.add_argument("--table", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.worker:
        result = (_ours if args.worker == "ours" else _by_hand)(args.table, args.out)
        print(json.dumps(result), flush=True)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = run(args.shapes.split(","), [int(s.replace("_", "")) for s in args.sizes.split(",")], work)
    for line in growth(results):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
