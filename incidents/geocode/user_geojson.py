"""User gazetteers as GeoJSON: a FeatureCollection of named points, polygons or lines (a QGIS layer saved as
GeoJSON); an area stands for the smallest circle that holds it. Properties as in `user_records`."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..loader import read_input_text
from .user_gazetteer import UserPlace
from .user_records import places_from_records

__all__ = ["read_geojson_places"]


def read_geojson_places(path: Path) -> list[UserPlace]:
    """The places of a GeoJSON gazetteer file."""
    try:
        data = json.loads(read_input_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", path=str(path)) from exc
    except RecursionError as exc:
        raise InputError("JSON nests too deeply", path=str(path)) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputError("a GeoJSON gazetteer must be a FeatureCollection", path=str(path), field="type")
    features = data.get("features")
    if not isinstance(features, list):
        raise InputError("'features' must be a list", path=str(path), field="features")

    def records():
        for index, feature in enumerate(features):
            label = f"feature {index}"
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise InputError("not a GeoJSON Feature", path=str(path), record=label)
            props = feature.get("properties") or {}
            geometry = feature.get("geometry")
            if not isinstance(props, dict):
                raise InputError("properties must be an object", path=str(path), record=label, field="properties")
            if geometry is not None and not isinstance(geometry, dict):
                raise InputError("geometry must be an object", path=str(path), record=label, field="geometry")
            yield label, props, geometry

    return places_from_records(str(path), records(), prefix=path.stem)
