"""QGIS styles (QML) and OGC SLD for our layers, drawn as the map draws them: confirmed with a solid outline, a
shaded area and a filled marker; unconfirmed with a dashed outline, a hollow area and a hollow marker (the colours
and dashes of layers/data/styles.yaml).

A GeoPackage carries them in its `layer_styles` table (the table QGIS itself writes and reads: f_table_name,
f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, ...), so QGIS opens each layer styled; a GeoJSON
export gets them as `OUT.qml` beside it on request (`--qml`), which QGIS loads with the layer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from incidents.models import Status
from layers.styles import StatusStyle, styles

__all__ = ["qml", "sld", "write_layer_styles", "write_qml", "STYLE_NAME"]

Kind = Literal["point", "polygon"]
STYLE_NAME = "incident-map status"
_FIXED_TIME = "2000-01-01T00:00:00.000Z"  # deterministic output (see gpkg._FIXED_DATE)
_MM_PER_PX = 0.26


def _rgba(hex_rgb: str, alpha: float) -> str:
    r, g, b = (int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _option(name: str, value: str) -> str:
    return f'<Option name={quoteattr(name)} type="QString" value={quoteattr(value)}/>'


def _qml_symbol(n: int, kind: Kind, style: StatusStyle) -> str:
    dashed = bool(style.dash.strip())
    outline = {"outline_color": _rgba(style.color, 1.0), "outline_style": "dash" if dashed else "solid",
               "outline_width": f"{style.weight * _MM_PER_PX:.2f}", "outline_width_unit": "MM"}
    if kind == "polygon":
        fill = _rgba(style.color, style.fill_opacity)
        options = {"color": fill, "style": "solid" if style.fill_opacity > 0 else "no", **outline}
        layer_class, symbol_type = "SimpleFill", "fill"
    else:
        solid = style.marker_fill == "solid"
        options = {"name": "circle", "size": "3.2", "size_unit": "MM",
                   "color": _rgba(style.color, 1.0) if solid else "255,255,255,0", **outline}
        layer_class, symbol_type = "SimpleMarker", "marker"
    body = "".join(_option(k, v) for k, v in options.items())
    return (f'<symbol type="{symbol_type}" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="{layer_class}" enabled="1" locked="0" pass="0"><Option type="Map">{body}</Option>'
            "</layer></symbol>")


def qml(kind: Kind) -> str:
    """A QGIS style for a layer of incidents (`point`) or of their uncertainty areas (`polygon`)."""
    statuses = list(Status)
    looks = styles().status
    categories = "".join(
        f'<category symbol="{n}" value={quoteattr(s.value)} label={quoteattr(f"{looks[s].label}: {looks[s].legend}")}'
        ' render="true"/>' for n, s in enumerate(statuses)
    )
    symbols = "".join(_qml_symbol(n, kind, looks[s]) for n, s in enumerate(statuses))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        '<renderer-v2 type="categorizedSymbol" attr="status" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<categories>{categories}</categories><symbols>{symbols}</symbols></renderer-v2>"
        "<layerGeometryType>" + ("0" if kind == "point" else "2") + "</layerGeometryType></qgis>\n"
    )


def _sld_rule(kind: Kind, status: Status, style: StatusStyle) -> str:
    stroke = (f'<se:Stroke><se:SvgParameter name="stroke">{style.color}</se:SvgParameter>'
              f'<se:SvgParameter name="stroke-width">{style.weight}</se:SvgParameter>'
              + (f'<se:SvgParameter name="stroke-dasharray">{escape(style.dash)}</se:SvgParameter>'
                 if style.dash.strip() else "") + "</se:Stroke>")
    if kind == "polygon":
        fill = (f'<se:Fill><se:SvgParameter name="fill">{style.color}</se:SvgParameter>'
                f'<se:SvgParameter name="fill-opacity">{style.fill_opacity}</se:SvgParameter></se:Fill>'
                if style.fill_opacity > 0 else "")
        symbolizer = f"<se:PolygonSymbolizer>{fill}{stroke}</se:PolygonSymbolizer>"
    else:
        fill = (f'<se:Fill><se:SvgParameter name="fill">{style.color}</se:SvgParameter></se:Fill>'
                if style.marker_fill == "solid" else "")
        symbolizer = (f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>"
                      f"{fill}{stroke}</se:Mark><se:Size>12</se:Size></se:Graphic></se:PointSymbolizer>")
    return (f"<se:Rule><se:Name>{status.value}</se:Name><se:Description><se:Title>{escape(style.label)}</se:Title>"
            f"</se:Description><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>status</ogc:PropertyName>"
            f"<ogc:Literal>{status.value}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>{symbolizer}</se:Rule>")


def sld(layer: str, kind: Kind) -> str:
    """An OGC SLD 1.1 style of the same look, for GeoServer, QGIS and other SLD readers."""
    rules = "".join(_sld_rule(kind, s, styles().status[s]) for s in Status)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" '
        'xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<NamedLayer><se:Name>{escape(layer)}</se:Name><UserStyle><se:Name>{STYLE_NAME}</se:Name>"
        f"<se:FeatureTypeStyle>{rules}</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n"
    )


_CREATE = """CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(50), ui TEXT(30), update_time DATETIME)"""


def write_layer_styles(gpkg: Path, layers: dict[str, Kind]) -> None:
    """Add the `layer_styles` table with one default style per layer of `layers`.

    It is registered in gpkg_contents as an attributes table, as QGIS registers it, so the file stays a valid
    GeoPackage: GIS tools list it beside the three layers (a table without geometry).
    """
    with sqlite3.connect(gpkg) as db:
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        db.execute(_CREATE)
        db.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, "
                   "last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?)",
                   (_FIXED_TIME,))
        for layer, kind in layers.items():
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                (layer, geometry.get(layer, "geom"), STYLE_NAME, qml(kind), sld(layer, kind),
                 "confirmed: solid outline, shaded area, filled marker; unconfirmed: dashed, hollow", _FIXED_TIME),
            )


def write_qml(path: Path, kind: Kind) -> Path:
    """`path` (a .qml beside a GeoJSON layer) written atomically."""
    from incidents.atomic import write_atomic

    return write_atomic(path, qml(kind))
