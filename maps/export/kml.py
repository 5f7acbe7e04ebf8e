"""KML for Google Earth: one placemark per incident (point + geodesic uncertainty circle), folders per status.

Balloons show only our `description`, which is HTML built from escaped text (Google Earth renders balloon HTML).
Names are plain text: XML escaping only (ElementTree's), so GDAL, QGIS and Google Earth show `{{7*7}}` and `<b>` as
written, not as entities; the balloon template never includes `$[name]`. ExtendedData keeps the raw values for GIS
tools. Characters XML 1.0 cannot hold, and bidi overrides that would make a name read backwards, are replaced, so the
file always parses. KML colours are aabbggrr.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from incidents.atomic import write_atomic
from incidents.models import Incident, MappedEvent, Status
from incidents.timewindow import format_window
from layers.escape import escape_text, safe_link
from layers.geometry import uncertainty_circles
from layers.properties import incident_properties, unmatched_note
from layers.styles import styles

__all__ = ["write_kml", "xml_text", "plain_name", "status_line"]

NS = "http://www.opengis.net/kml/2.2"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DATA_FIELDS = (
    "status",
    "status_reason",
    "event_type",
    "radius_m",
    "precision",
    "place",
    "time_start",
    "time_end",
    "time_precision",
    "independent_sources",
    "has_media",
    "hedges",
    "report_ids",
    "unmatched_landmark",
)


def xml_text(value: object) -> str:
    """Text XML 1.0 can hold: control characters and lone surrogates become U+FFFD."""
    return _XML_INVALID.sub("\ufffd", "" if value is None else str(value))


def plain_name(value: object, max_length: int = 300) -> str:
    """A <name>: plain text (no HTML entities), bidi overrides replaced by U+FFFD, at most `max_length` characters."""
    text = _BIDI.sub("\ufffd", xml_text(value))
    return text if len(text) <= max_length else text[: max_length - 1] + "\u2026"


def status_line(label: str, reason: str) -> str:
    """`Confirmed: Corroborated by ...`; a reason that already starts with its label keeps it once."""
    return reason if reason.lower().startswith(f"{label.lower()}:") else f"{label}: {reason}"


def _sub(parent: ET.Element, tag: str, text: object | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _kml_colour(hex_rgb: str, alpha: float) -> str:
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{round(alpha * 255):02x}{b}{g}{r}"


def _styles(doc: ET.Element) -> None:
    for status, style in styles().status.items():
        node = _sub(doc, "Style", id=str(status))
        icon = _sub(node, "IconStyle")
        _sub(icon, "color", _kml_colour(style.color, 1.0))
        _sub(icon, "scale", "1.0" if style.marker_fill == "solid" else "0.8")
        shape = "placemark_circle" if style.marker_fill == "solid" else "open-diamond"
        _sub(_sub(icon, "Icon"), "href", f"http://maps.google.com/mapfiles/kml/shapes/{shape}.png")
        line = _sub(node, "LineStyle")
        _sub(line, "color", _kml_colour(style.color, 1.0))
        _sub(line, "width", f"{style.weight:g}")
        poly = _sub(node, "PolyStyle")
        _sub(poly, "color", _kml_colour(style.color, max(style.fill_opacity, 0.01)))
        _sub(poly, "fill", "1" if style.fill_opacity > 0 else "0")
        _sub(_sub(node, "BalloonStyle"), "text", "$[description]")


def _description(incident: Incident) -> str:
    verdict = incident.assessment
    lines = [
        f"<b>{escape_text(incident.title)}</b>",
        escape_text(status_line(styles().status[verdict.status].label, verdict.reason)),
        f"When: {escape_text(format_window(incident.time))}",
        f"Where: {escape_text(incident.place)} (within {incident.geocode.radius_m:,.0f} m,"
        f" {escape_text(incident.geocode.precision.value)})",
    ]
    if incident.geocode.unmatched:
        lines.append(escape_text(unmatched_note(incident.geocode)))
    for located in incident.reports:
        report, source = located.report, located.source
        who = safe_link(source.url, source.handle or source.name) if source.url else escape_text(source.name)
        hedges = f" <i>({escape_text(', '.join(report.hedges))})</i>" if report.hedges else ""
        links = " ".join(safe_link(u, "link") for u in ([report.url] if report.url else []) + list(report.media))
        lines.append(f"&#8226; {who}: {escape_text(report.summary, max_length=2000)}{hedges} {links}".rstrip())
    return "<br>".join(lines)


def _ring(parent: ET.Element, coords: Any) -> None:
    text = " ".join(f"{x:.6f},{y:.6f}" for x, y in coords)
    _sub(_sub(_sub(_sub(parent, "Polygon"), "outerBoundaryIs"), "LinearRing"), "coordinates", text)


def _placemark(folder: ET.Element, incident: Incident, circle: BaseGeometry) -> None:
    props = incident_properties(incident)
    mark = _sub(folder, "Placemark", id=incident.id)
    _sub(mark, "name", plain_name(incident.title))
    _sub(mark, "description", _description(incident))
    span = _sub(mark, "TimeSpan")
    _sub(span, "begin", props["time_start"])
    _sub(span, "end", props["time_end"])
    _sub(mark, "styleUrl", f"#{incident.assessment.status}")
    data = _sub(mark, "ExtendedData")
    for key in _DATA_FIELDS:
        value = props[key]
        value = ", ".join(map(str, value)) if isinstance(value, list) else value
        _sub(_sub(data, "Data", name=key), "value", "" if value is None else value)
    for key, value in props["attributes"].items():  # the input table's own columns, after ours, never in their place
        _sub(_sub(data, "Data", name=f"attributes.{key}"), "value", "" if value is None else value)
    geometry = _sub(mark, "MultiGeometry")
    _sub(_sub(geometry, "Point"), "coordinates", f"{incident.geocode.lon:.6f},{incident.geocode.lat:.6f}")
    for polygon in getattr(circle, "geoms", [circle]):
        _ring(geometry, polygon.exterior.coords)


def write_kml(mapped: MappedEvent, path: str | Path) -> list[Path]:
    """The event as KML at `path`: a folder per status, placemarks with circles, time spans and balloons."""
    ET.register_namespace("", NS)
    root = ET.Element("kml", {"xmlns": NS})
    doc = _sub(root, "Document")
    _sub(doc, "name", plain_name(mapped.title))
    _sub(
        doc,
        "description",
        escape_text(f"{mapped.counts.line()}. Circles are uncertainty radii: the incident happened somewhere inside."),
    )
    _styles(doc)
    incidents = mapped.incidents
    circles = uncertainty_circles(
        np.array([i.geocode.lon for i in incidents]),
        np.array([i.geocode.lat for i in incidents]),
        np.array([i.geocode.radius_m for i in incidents]),
    )
    for status in Status:
        members = [(i, c) for i, c in zip(incidents, circles, strict=True) if i.assessment.status is status]
        folder = _sub(doc, "Folder", id=f"folder-{status}")
        _sub(folder, "name", styles().status[status].label)
        for incident, circle in members:
            _placemark(folder, incident, circle)
    ET.indent(root)
    return [write_atomic(path, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")]
