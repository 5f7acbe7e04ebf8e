"""A static PNG for PDF reports: uncertainty circles, status-styled markers, numbered labels, a key, a scale bar.

Drawn in Web Mercator with matplotlib (no browser). A basemap is drawn only when a tile URL is given (opt-in, as
everything that touches the network) and its tiles can be fetched; otherwise the image says there is none.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import matplotlib
except ModuleNotFoundError as exc:  # an optional part: say which extra brings it
    from incidents.errors import MissingExtra

    raise MissingExtra("render --png", "png") from exc

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Polygon as PolygonPatch  # noqa: E402
from pyproj import Transformer  # noqa: E402

from incidents.atomic import atomic_path  # noqa: E402
from incidents.merge import span_time  # noqa: E402
from incidents.models import MappedEvent, Status  # noqa: E402
from incidents.taxonomy import event_type_info  # noqa: E402
from layers.geometry import uncertainty_circles  # noqa: E402
from layers.styles import styles  # noqa: E402
from layers.timelabels import map_window, zone_label  # noqa: E402

from .tiles import TileSource, fetch_basemap  # noqa: E402

__all__ = ["write_png", "MAX_LABELS"]

TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
MAX_LABELS = 40
_DASH = {"": "solid"}


def _nice_length(metres: float) -> float:
    """1, 2 or 5 times a power of ten, at most `metres`."""
    power = 10 ** math.floor(math.log10(max(metres, 1)))
    return max(m * power for m in (1, 2, 5) if m * power <= metres) if metres >= 1 else 1


def _extent(xs: np.ndarray, ys: np.ndarray, aspect: float) -> tuple[float, float, float, float]:
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    width, height = max(x1 - x0, 2_000.0), max(y1 - y0, 2_000.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    width, height = width * 1.15, height * 1.15
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2


def _scale_bar(ax: plt.Axes, extent: tuple[float, float, float, float], lat: float) -> None:
    x0, x1, y0, y1 = extent
    ground_per_unit = math.cos(math.radians(lat))  # Web Mercator stretches by 1/cos(latitude)
    length_m = _nice_length((x1 - x0) * ground_per_unit / 5)
    length_units = length_m / ground_per_unit
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + length_units], [by, by], color="black", linewidth=3, solid_capstyle="butt", zorder=6)
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    ax.text(bx + length_units / 2, by + (y1 - y0) * 0.012, label, ha="center", va="bottom", fontsize=8, zorder=6,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1})


def write_png(mapped: MappedEvent, path: str | Path, *, title: str | None = None, tiles: TileSource | None = None,
              width_px: int = 1600, height_px: int = 1200) -> Path:
    """The event as a static PNG at `path` (written atomically); returns the path."""
    # Titles, places and source names are untrusted: matplotlib must never read `$...$` in them as math.
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        data = _draw(mapped, title, tiles, width_px, height_px)
    with atomic_path(path, suffix=".png.tmp") as tmp:
        tmp.write_bytes(data)
    return Path(path)


def _draw(mapped: MappedEvent, title: str | None, tiles: TileSource | None, width_px: int, height_px: int) -> bytes:
    incidents = mapped.incidents
    dpi = 150
    fig = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    try:
        ax = fig.add_axes((0.02, 0.16, 0.96, 0.76))
        ax.set_xticks([])
        ax.set_yticks([])
        fig.suptitle(title or mapped.title, fontsize=12, y=0.975)
        notes = [f"{mapped.counts.line()}. Circles are uncertainty radii: each incident happened somewhere inside."]
        if not incidents:
            ax.text(0.5, 0.5, "No mapped incidents", ha="center", va="center", transform=ax.transAxes)
        else:
            lons = np.array([i.geocode.lon for i in incidents])
            lats = np.array([i.geocode.lat for i in incidents])
            radii = np.array([i.geocode.radius_m for i in incidents])
            circles = uncertainty_circles(lons, lats, radii)
            ring_x, ring_y = [], []
            shapes = []
            for circle in circles:
                parts = []
                for polygon in getattr(circle, "geoms", [circle]):
                    x, y = TO_MERCATOR.transform(*np.asarray(polygon.exterior.coords).T)
                    parts.append(np.column_stack([x, y]))
                    ring_x.append(x)
                    ring_y.append(y)
                shapes.append(parts)
            extent = _extent(np.concatenate(ring_x), np.concatenate(ring_y), ax.bbox.width / ax.bbox.height)
            basemap_note = "No basemap (none requested)." if tiles is None else None
            if tiles is not None:
                image, attribution = fetch_basemap(tiles, extent, int(ax.bbox.width))
                if image is not None:
                    ax.imshow(image, extent=(extent[0], extent[1], extent[2], extent[3]), zorder=0,
                              interpolation="bilinear")
                    notes.append(f"Basemap {attribution}")
                else:
                    basemap_note = f"No basemap: {attribution}"
            if basemap_note:
                notes.append(basemap_note)
            px, py = TO_MERCATOR.transform(lons, lats)
            _draw_incidents(ax, incidents, shapes, px, py, (extent[1] - extent[0]) / 60)
            ax.set_xlim(extent[0], extent[1])
            ax.set_ylim(extent[2], extent[3])
            _scale_bar(ax, extent, float(np.mean(lats)))
            _key(fig, mapped)
        sources = sorted({s.name for i in incidents for s in i.sources})
        if sources:
            notes.append("Sources: " + ", ".join(sources[:12]) + (", ..." if len(sources) > 12 else ""))
        fig.text(0.02, 0.015, "\n".join(notes), fontsize=6.5, va="bottom", wrap=True)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _draw_order(incidents) -> list[int]:
    """Hollow (unconfirmed) incidents first, so a filled, confirmed marker is never under one."""
    solid = [styles().status[i.assessment.status].marker_fill == "solid" for i in incidents]
    return sorted(range(len(incidents)), key=lambda n: (solid[n], n))


def _draw_incidents(ax: plt.Axes, incidents, shapes, px: np.ndarray, py: np.ndarray, cell: float) -> None:
    """Circles, then markers (confirmed on top), then numbered labels with a leader line to their marker; labels of
    markers closer than `cell` fan out so each stays readable, and a stack of markers carries its count."""
    order = _draw_order(incidents)
    rank_of = {n: rank for rank, n in enumerate(order)}
    stacks: dict[tuple[int, int], list[int]] = {}
    for n in range(len(incidents)):
        stacks.setdefault((round(px[n] / cell), round(py[n] / cell)), []).append(n)
    for rank, n in enumerate(order):
        style = styles().status[incidents[n].assessment.status]
        fill = (*matplotlib.colors.to_rgb(style.color), style.fill_opacity) if style.fill_opacity else "none"
        for ring in shapes[n]:
            ax.add_patch(PolygonPatch(
                ring, closed=True, facecolor=fill, edgecolor=style.color, linewidth=style.weight * 0.7,
                linestyle=_DASH.get(style.dash, (0, (4, 3))), zorder=2 + rank / (10 * len(order)),
            ))
    for rank, n in enumerate(order):
        style = styles().status[incidents[n].assessment.status]
        solid = style.marker_fill == "solid"
        ax.plot(px[n], py[n], marker="o", markersize=9, zorder=4 + rank / (10 * len(order)),
                markerfacecolor=style.color if solid else "white", markeredgecolor=style.color, markeredgewidth=1.8)
    for members in stacks.values():
        if len(members) > 1:
            top = max(members, key=rank_of.__getitem__)
            ax.annotate(str(len(members)), (px[top], py[top]), xytext=(7, -7), textcoords="offset points", fontsize=6,
                        fontweight="bold", color="white", zorder=4.9, ha="center", va="center",
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "#222222", "edgecolor": "white"})
    if len(incidents) > MAX_LABELS:
        return
    for members in stacks.values():
        for shift, n in enumerate(members):
            style = styles().status[incidents[n].assessment.status]
            angle = math.radians(45 + 35 * shift)
            distance = 22 + 6 * shift
            ax.annotate(str(n + 1), (px[n], py[n]), xytext=(distance * math.cos(angle), distance * math.sin(angle)),
                        textcoords="offset points", fontsize=8, fontweight="bold", zorder=5, ha="center",
                        va="center", bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": style.color},
                        arrowprops={"arrowstyle": "-", "color": style.color, "linewidth": 0.9, "shrinkA": 0,
                                    "shrinkB": 5})


def _key(fig: plt.Figure, mapped: MappedEvent) -> None:
    """Status legend plus numbered incidents (first MAX_LABELS) under the map."""
    lines = []
    for status in Status:
        style = styles().status[status]
        count = sum(1 for i in mapped.incidents if i.assessment.status is status)
        lines.append(f"{style.label} ({count}): {style.legend}")
    if mapped.incidents:
        first = mapped.incidents[0].time
        lines.append(f"Times: {zone_label(first.start.astimezone(ZoneInfo(first.tz)), first.tz)}")
    fig.text(0.02, 0.145, "   |   ".join(lines), fontsize=7, va="top")
    entries = []
    for number, incident in enumerate(mapped.incidents[:MAX_LABELS], start=1):
        label = event_type_info(incident.event_type).label
        status = styles().status[incident.assessment.status].label.lower()
        place = incident.place if len(incident.place) <= 60 else incident.place[:59] + "…"  # as the report named it
        span = span_time(incident.reports)
        spanned = "" if (span.start, span.end) == (incident.time.start, incident.time.end) else (
            f", reports {map_window(span, zone=False)}")
        entries.append(f"{number}. {label}, “{place}”, {map_window(incident.time, zone=False)}{spanned} "
                       f"({status}, ±{incident.geocode.radius_m:,.0f} m)")
    if len(mapped.incidents) > MAX_LABELS:
        entries.append(f"... and {len(mapped.incidents) - MAX_LABELS} more (see the HTML map)")
    columns = 1 if len(entries) <= 6 else 2
    per_column = math.ceil(len(entries) / columns) if entries else 0
    width = 190 if columns == 1 else 92  # characters that fit a column at this size
    for c in range(columns):
        chunk = [e if len(e) <= width else e[: width - 1] + "…" for e in entries[c * per_column : (c + 1) * per_column]]
        fig.text(0.02 + c * 0.49, 0.125, "\n".join(chunk[:8]), fontsize=6.5, va="top")
