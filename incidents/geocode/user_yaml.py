"""User gazetteers in YAML (or JSON): the bundled gazetteer's format (`entries:` with `name`, `aliases`, `lat`, `lon`,
`size_m` or `radius_m`, `precision`, `country`, `city`, ...; see `user_records`), or a plain list of such entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..loader import parse_document, read_input_text
from .user_gazetteer import UserPlace
from .user_records import KNOWN_FIELDS, places_from_records

__all__ = ["read_yaml_places"]


def _label(index: int, item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        return f"entry '{item['id'].strip()[:60]}' (entries[{index}])"
    if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
        return f"entry '{item['name'].strip()[:60]}' (entries[{index}])"
    return f"entries[{index}]"


def _records(path: Path, items: list[Any]):
    for index, item in enumerate(items):
        label = _label(index, item)
        if not isinstance(item, dict):
            raise InputError("an entry must be a mapping of fields (name, lat, lon, ...)", path=str(path),
                             record=label)
        unknown = [k for k in item if str(k).strip().lower() not in KNOWN_FIELDS]
        if unknown:
            raise InputError(f"unknown field (known: {', '.join(sorted(KNOWN_FIELDS))})", path=str(path),
                             record=label, field=str(unknown[0])[:60])
        yield label, item, None


def read_yaml_places(path: Path) -> list[UserPlace]:
    """The places of a YAML/JSON gazetteer file."""
    data = parse_document(path, read_input_text(path))
    items = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError("a gazetteer needs a top-level 'entries' list", path=str(path), field="entries")
    return places_from_records(str(path), _records(path, items), prefix=path.stem)
