"""Render and export at scale: our map against the folium map a user writes by hand and against GeoDataFrame.explore.

    python -m benchmarks.bench_render [--sizes 1000,10000,100000] [--export-size 1000000] [--browser]
                                      [--skip-folium-above 10000] [--repeat 1] [--json OUT] [--keep DIR]

Every measurement runs in a fresh subprocess, so its peak RSS (the child's own `ru_maxrss`, from `os.wait4`) is
honest; "data RSS" is the peak before the timed part (the synthetic event, and for the hand-written maps the plain
records the user starts from). Timed parts:

* ours: `IncidentMap(event, options=MapOptions()).save(path)` (escaped columnar payload, radii, status layers,
  popups, legend, time control; CDN asset tags).
* folium: for each incident a `folium.Circle(radius=...)` and a `folium.Marker` with an HTML-escaped `folium.Popup`,
  one `FeatureGroup` per status, a `LayerControl`, `m.save(path)`, starting from plain records.
* explore: a GeoDataFrame of the same points built from the same records, `.explore(column="status",
  popup=[...])`, `m.save(path)`.
* export: `maps.export.export(event, "x.geojson")`, the default export path of the CLI (points, no polygons).

With --browser, each page is opened in headless Chromium (/usr/bin/chromium) from a local HTTP server, with every
other host unresolvable (no request leaves the machine; basemap tiles fail fast). Ours is "ready" when it sets
`data-incident-map="ready"`; folium when its load event fired (its markers are added by inline scripts before it,
and the count of marker icons is checked). "painted" is two animation frames later. Folium's CDN URLs are rewritten
to local copies: Leaflet to our vendored 1.9.4 (folium asks for 1.9.3), jQuery to Debian's libjs-jquery when
installed (3.6.1; folium asks for 3.7.1), and Bootstrap, Font Awesome, awesome-markers and the glyphicons CSS to
empty stub files (plain folium Markers and Circles do not use them).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Measurement", "run", "format_table", "main", "TARGETS"]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
DEBIAN_JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")
MB = 1024 * 1024
# The targets of issue 6 this script measures (the geocoding ones are in benchmarks.bench_geocode).
TARGETS = {
    "speedup_vs_folium_10k": 15.0,  # ours at least this many times faster than folium at 10k
    "html_share_vs_folium_10k": 0.25,  # ours at most this share of folium's HTML at 10k
    "render_100k_s": 3.0,
    "browser_ready_100k_s": 3.0,
    "export_1m_s": 10.0,
    "export_1m_rss_mb": 4096.0,
}
STATUS_STYLE = {"confirmed": ("#b2182b", None), "unconfirmed": ("#2166ac", "6 6")}


@dataclass
class Measurement:
    """One timed run in its own process."""

    kind: str
    size: int
    seconds: float | None = None
    output_bytes: int | None = None
    peak_rss_mb: float | None = None
    data_rss_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None
    error: str | None = None


# --------------------------------------------------------------------------------------------------- workers


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _records(event: Any) -> list[dict[str, Any]]:
    """What a user writing folium by hand starts from: one plain dict per incident."""
    from layers.properties import iso_utc

    rows = []
    for inc in event.incidents:
        report = inc.reports[0].report
        rows.append(
            {
                "id": inc.id,
                "lat": inc.geocode.lat,
                "lon": inc.geocode.lon,
                "radius_m": inc.geocode.radius_m,
                "status": inc.assessment.status.value,
                "title": inc.title,
                "place": inc.place,
                "time": f"{iso_utc(inc.time.start)} – {iso_utc(inc.time.end)}",
                "reason": inc.assessment.reason,
                "summary": report.summary,
                "url": report.url or "",
                "type": inc.event_type,
            }
        )
    return rows


def _popup_html(r: dict[str, Any]) -> str:
    e = html.escape
    return (
        f"<b>{e(r['title'])}</b><br>{e(r['place'])}<br>{e(r['time'])}<br><i>{e(r['status'])}</i>: "
        f'{e(r["reason"])}<br>{e(r["summary"])}<br><a href="{e(r["url"])}" target="_blank">source</a>'
    )


def _work_ours(size: int, out: Path) -> Measurement:
    from benchmarks.synthetic import synthetic_event
    from maps.compose import IncidentMap, MapOptions

    event = synthetic_event(size)
    data_rss = _maxrss_mb()
    path = out / f"ours-{size}.html"
    start = time.perf_counter()
    IncidentMap(event, options=MapOptions()).save(path)
    seconds = time.perf_counter() - start
    return Measurement("ours", size, seconds, path.stat().st_size, data_rss_mb=data_rss, extra={"path": str(path)})


def _work_folium(size: int, out: Path) -> Measurement:
    import folium

    from benchmarks.synthetic import synthetic_event

    records = _records(synthetic_event(size))
    data_rss = _maxrss_mb()
    path = out / f"folium-{size}.html"
    start = time.perf_counter()
    fmap = folium.Map(location=[6.5, -66.5], zoom_start=6)
    groups = {status: folium.FeatureGroup(name=status).add_to(fmap) for status in STATUS_STYLE}
    for r in records:
        color, dash = STATUS_STYLE[r["status"]]
        group = groups[r["status"]]
        folium.Circle(
            location=[r["lat"], r["lon"]],
            radius=r["radius_m"],
            color=color,
            weight=2,
            fill=True,
            fill_opacity=0.15,
            dash_array=dash,
        ).add_to(group)
        folium.Marker(
            [r["lat"], r["lon"]], popup=folium.Popup(_popup_html(r), max_width=320), tooltip=html.escape(r["title"])
        ).add_to(group)
    folium.LayerControl().add_to(fmap)
    fmap.save(str(path))
    seconds = time.perf_counter() - start
    return Measurement("folium", size, seconds, path.stat().st_size, data_rss_mb=data_rss, extra={"path": str(path)})


def _work_explore(size: int, out: Path) -> Measurement:
    import geopandas as gpd
    import pandas as pd

    from benchmarks.synthetic import synthetic_event

    records = _records(synthetic_event(size))
    data_rss = _maxrss_mb()
    path = out / f"explore-{size}.html"
    start = time.perf_counter()
    frame = pd.DataFrame(records)
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    fmap = gdf.explore(
        column="status",
        popup=["title", "place", "time", "status", "reason", "summary", "url"],
        tooltip=False,
        cmap=["#b2182b", "#2166ac"],
    )
    fmap.save(str(path))
    seconds = time.perf_counter() - start
    return Measurement("explore", size, seconds, path.stat().st_size, data_rss_mb=data_rss, extra={"path": str(path)})


def _work_export(size: int, out: Path) -> Measurement:
    from benchmarks.synthetic import synthetic_event
    from maps.export import export

    event = synthetic_event(size)
    data_rss = _maxrss_mb()
    path = out / f"export-{size}.geojson"
    start = time.perf_counter()
    written = export(event, path)
    seconds = time.perf_counter() - start
    size_bytes = sum(p.stat().st_size for p in written)
    for p in written:
        p.unlink()  # a million incidents make a 2 GB file
    return Measurement("export", size, seconds, size_bytes, data_rss_mb=data_rss)


_OBSERVE_OURS = """
window.__bench = {};
new MutationObserver(function (_, observer) {
  if (document.documentElement.dataset.incidentMap === "ready") {
    observer.disconnect();
    window.__bench.ready = performance.now();
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      window.__bench.painted = performance.now(); }); });
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-incident-map"]});
"""
_OBSERVE_FOLIUM = """
window.__bench = {};
addEventListener("load", function () {
  window.__bench.ready = performance.now();
  window.__bench.markers = document.querySelectorAll(".leaflet-marker-icon").length;
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    window.__bench.painted = performance.now(); }); });
});
"""


def _serve(directory: Path) -> tuple[Any, str]:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _local_folium(page: str, base: str) -> str:
    """folium's CDN URLs pointed at local copies (see the module docstring)."""
    import folium

    fmap = folium.Map()
    for name, url in [*fmap.default_js, *fmap.default_css]:
        if name in ("leaflet", "leaflet_css"):
            local = f"{base}/vendor/leaflet@1.9.4/dist/leaflet.{'css' if name.endswith('css') else 'js'}"
        elif name == "jquery":
            local = f"{base}/stub/jquery.min.js"
        else:
            local = f"{base}/stub/empty.{'css' if name.endswith('css') else 'js'}"
        page = page.replace(url, local)
    return page


def _work_browser(kind: str, size: int, out: Path, source: str | None) -> Measurement:
    from playwright.sync_api import sync_playwright

    from maps.assets import vendor_dir

    root = Path(tempfile.mkdtemp(prefix="bench-serve-", dir=out))
    (root / "vendor").symlink_to(vendor_dir(), target_is_directory=True)
    (root / "stub").mkdir()
    (root / "stub" / "empty.js").write_text("", encoding="utf-8")
    (root / "stub" / "empty.css").write_text("", encoding="utf-8")
    jquery = DEBIAN_JQUERY.read_bytes() if DEBIAN_JQUERY.is_file() else b""
    (root / "stub" / "jquery.min.js").write_bytes(jquery)
    server, base = _serve(root)
    try:
        if kind == "browser-ours":
            from benchmarks.synthetic import synthetic_event
            from maps.compose import IncidentMap, MapOptions

            page_text = IncidentMap(synthetic_event(size), options=MapOptions()).to_html(asset_base=f"{base}/vendor")
        else:
            if source is None:
                raise ValueError("the folium browser run needs the folium page (--source)")
            page_text = _local_folium(Path(source).read_text(encoding="utf-8"), base)
        (root / "page.html").write_text(page_text, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                ],
            )
            try:
                page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
                page.add_init_script(_OBSERVE_OURS if kind == "browser-ours" else _OBSERVE_FOLIUM)
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(f"{base}/page.html", wait_until="commit", timeout=600_000)
                page.wait_for_function("window.__bench && window.__bench.painted", timeout=600_000, polling=20)
                marks = page.evaluate("window.__bench")
            finally:
                browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    extra = {"ready_s": marks["ready"] / 1000, "painted_s": marks["painted"] / 1000, "page_errors": errors[:3]}
    if "markers" in marks:
        extra["markers"] = marks["markers"]
    return Measurement(kind, size, marks["ready"] / 1000, len(page_text.encode()), extra=extra)


WORKERS = {"ours": _work_ours, "folium": _work_folium, "explore": _work_explore, "export": _work_export}


def _worker_main(kind: str, size: int, out: Path, source: str | None) -> None:
    if kind.startswith("browser-"):
        result = _work_browser(kind, size, out, source)
    else:
        result = WORKERS[kind](size, out)
    print(json.dumps(asdict(result)), flush=True)


# --------------------------------------------------------------------------------------------------- driver


def _measure(kind: str, size: int, out: Path, *, source: str | None = None) -> Measurement:
    """Run one worker in a fresh interpreter; its own peak RSS comes from os.wait4."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_render",
        "--worker",
        kind,
        "--size",
        str(size),
        "--out",
        str(out),
    ]
    if source:
        command += ["--source", source]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        text, err = stdout.read().decode(), stderr.read().decode()
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (err.strip().splitlines() or ["no output"])[-1]
        return Measurement(kind, size, error=f"exit {proc.returncode}: {tail}")
    result = Measurement(**json.loads(lines[-1]))
    if not kind.startswith("browser-"):
        result.peak_rss_mb = usage.ru_maxrss / 1024
    return result


def run(
    sizes: Sequence[int],
    *,
    export_size: int | None,
    browser: bool,
    skip_folium_above: int,
    out: Path,
    explore: bool = True,
    progress: bool = True,
    repeat: int = 1,
) -> list[Measurement]:
    """Every measurement, in order: per size ours, folium, explore (and the browser runs), then the export.

    With `repeat` > 1 each measurement runs that many times (each in its own process) and the median run by
    seconds is kept, with every run's seconds in `extra["runs"]`.
    """
    results: list[Measurement] = []

    def measure(kind: str, size: int, source: str | None = None) -> Measurement:
        runs = [_measure(kind, size, out, source=source) for _ in range(max(1, repeat))]
        done = sorted((m for m in runs if m.seconds is not None), key=lambda m: m.seconds)
        if not done:
            return runs[0]
        kept = done[len(done) // 2]
        if len(runs) > 1:
            kept.extra["runs"] = [round(m.seconds, 3) for m in done]
        return kept

    def note(m: Measurement) -> Measurement:
        if progress:
            what = m.skipped or m.error or f"{m.seconds:.2f} s"
            print(f"  {m.kind:<15} {m.size:>9,}  {what}", file=sys.stderr, flush=True)
        results.append(m)
        return m

    for size in sizes:
        note(measure("ours", size))
        if size > skip_folium_above:
            folium = note(
                Measurement("folium", size, skipped=f"skipped: above --skip-folium-above {skip_folium_above}")
            )
        else:
            folium = note(measure("folium", size))
        if explore:
            note(measure("explore", size))
        if browser:
            note(measure("browser-ours", size))
            if folium.seconds is not None and folium.extra.get("path"):
                note(measure("browser-folium", size, source=folium.extra["path"]))
            else:
                note(Measurement("browser-folium", size, skipped="skipped: no folium page at this size"))
    if export_size:
        note(measure("export", export_size))
    return results


def _find(results: Sequence[Measurement], kind: str, size: int) -> Measurement | None:
    return next((m for m in results if m.kind == kind and m.size == size and m.seconds is not None), None)


def verdicts(results: Sequence[Measurement]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met?) for each target these results can speak to (None: not measured)."""
    out: list[tuple[str, str, bool | None]] = []
    ours, folium = _find(results, "ours", 10_000), _find(results, "folium", 10_000)
    if ours and folium:
        speedup = folium.seconds / ours.seconds
        share = ours.output_bytes / folium.output_bytes
        out.append(("10k: ≥ 15× faster than folium", f"{speedup:.1f}×", speedup >= TARGETS["speedup_vs_folium_10k"]))
        out.append(("10k: ≤ ¼ of folium's HTML", f"{share:.2f}", share <= TARGETS["html_share_vs_folium_10k"]))
    else:
        out.append(("10k vs folium", "not measured", None))
    big = _find(results, "ours", 100_000)
    out.append(
        (
            "100k rendered ≤ 3 s",
            f"{big.seconds:.2f} s" if big else "not measured",
            big.seconds <= TARGETS["render_100k_s"] if big else None,
        )
    )
    ready = _find(results, "browser-ours", 100_000)
    out.append(
        (
            "100k browser-ready ≤ 3 s",
            f"{ready.seconds:.2f} s" if ready else "not measured",
            ready.seconds <= TARGETS["browser_ready_100k_s"] if ready else None,
        )
    )
    export = _find(results, "export", 1_000_000)
    if export:
        out.append(("1M GeoJSON export ≤ 10 s", f"{export.seconds:.2f} s", export.seconds <= TARGETS["export_1m_s"]))
        out.append(
            (
                "1M export peak RSS ≤ 4 GB",
                f"{export.peak_rss_mb:,.0f} MB",
                (export.peak_rss_mb or 0) <= TARGETS["export_1m_rss_mb"],
            )
        )
    else:
        out.append(("1M GeoJSON export", "not measured", None))
    return out


def format_table(results: Sequence[Measurement]) -> str:
    """The results as a fixed-width table, ratios against folium and explore, and the targets."""
    head = f"{'size':>9}  {'what':<15} {'seconds':>9} {'out MB':>8} {'peak RSS MB':>12} {'data RSS MB':>12}  note"
    lines = [head, "-" * len(head)]
    for m in results:
        if m.skipped or m.error:
            lines.append(f"{m.size:>9,}  {m.kind:<15} {'-':>9} {'-':>8} {'-':>12} {'-':>12}  {m.skipped or m.error}")
            continue
        note = ""
        if m.kind.startswith("browser-"):
            note = f"painted {m.extra['painted_s']:.2f} s"
            if "markers" in m.extra:
                note += f", {m.extra['markers']:,} marker icons"
            if m.extra.get("page_errors"):
                note += f", page errors: {m.extra['page_errors']}"
        if m.extra.get("runs"):
            note = (note + "; " if note else "") + "runs " + " ".join(f"{r:.2f}" for r in m.extra["runs"])
        peak = f"{m.peak_rss_mb:,.0f}" if m.peak_rss_mb is not None else "-"
        data = f"{m.data_rss_mb:,.0f}" if m.data_rss_mb is not None else "-"
        lines.append(
            f"{m.size:>9,}  {m.kind:<15} {m.seconds:>9.2f} {m.output_bytes / MB:>8.1f} {peak:>12} {data:>12}  {note}"
        )
    sizes = sorted({m.size for m in results if m.kind == "ours"})
    ratio_lines = []
    for size in sizes:
        ours = _find(results, "ours", size)
        if ours is None:
            continue
        parts = []
        for other in ("folium", "explore"):
            theirs = _find(results, other, size)
            if theirs:
                parts.append(
                    f"{theirs.seconds / ours.seconds:.1f}× faster than {other}, "
                    f"HTML {ours.output_bytes / theirs.output_bytes:.2f}× of {other}'s"
                )
        browser_ours, browser_folium = _find(results, "browser-ours", size), _find(results, "browser-folium", size)
        if browser_ours and browser_folium:
            parts.append(f"browser-ready {browser_folium.seconds / browser_ours.seconds:.1f}× sooner than folium")
        if parts:
            ratio_lines.append(f"{size:>9,}  ours: " + "; ".join(parts))
    if ratio_lines:
        lines += ["", "ratios (time: theirs / ours; HTML: ours / theirs)", *ratio_lines]
    lines += ["", "targets"]
    for target, measured, met in verdicts(results):
        mark = "not measured" if met is None else ("met" if met else "NOT met")
        lines.append(f"  {target:<34} {measured:>14}  {mark}")
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated whole numbers, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size, each ≥ 1")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_render", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[1_000, 10_000, 100_000], help="incident counts to render")
    parser.add_argument("--export-size", type=int, default=1_000_000, help="incidents to export (0: skip)")
    parser.add_argument("--browser", action="store_true", help="also time browser-ready in headless Chromium")
    parser.add_argument(
        "--skip-folium-above",
        type=int,
        default=10_000,
        metavar="N",
        help="skip the hand-written folium map above N incidents (it takes minutes at 100k)",
    )
    parser.add_argument("--no-explore", action="store_true", help="skip GeoDataFrame.explore")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument("--keep", type=Path, help="keep the HTML pages in this folder (default: a temporary one)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker_main(args.worker, args.size, args.out, args.source)
        return 0
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-render-"))
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    started = datetime.now(UTC)
    print(
        f"bench_render {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; pages in {out}",
        file=sys.stderr,
    )
    try:
        results = run(
            args.sizes,
            export_size=args.export_size or None,
            browser=args.browser,
            skip_folium_above=args.skip_folium_above,
            out=out,
            explore=not args.no_explore,
            repeat=args.repeat,
        )
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    print(format_table(results))
    skipped = [m for m in results if m.kind == "folium" and m.skipped]
    if skipped:
        print(
            f"\nfolium skipped above {args.skip_folium_above:,} incidents (--skip-folium-above); "
            "hand-written folium takes minutes there."
        )
    if args.json:
        from incidents.atomic import write_atomic

        doc = {
            "started": started.isoformat(),
            "cpus": os.cpu_count(),
            "load_average": load,
            "argv": list(argv if argv is not None else sys.argv[1:]),
            "results": [asdict(m) for m in results],
        }
        write_atomic(args.json, json.dumps(doc, indent=2) + "\n")
    return 1 if any(m.error for m in results) else 0


if __name__ == "__main__":
    sys.exit(main())
