"""Tests. Importing this package points the geocoding cache at a private folder, shared by xdist workers."""

import os
from pathlib import Path

if not os.environ.get("INCIDENT_MAP_CACHE"):
    _cache = Path(__file__).resolve().parents[1] / ".pytest_cache" / "incident-map-cache"
    _cache.mkdir(parents=True, exist_ok=True)
    os.environ["INCIDENT_MAP_CACHE"] = str(_cache)
