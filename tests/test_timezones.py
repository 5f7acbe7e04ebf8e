"""Time zones from coordinates for every country (incidents.geocode.timezones), not a table of a few countries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from incidents.geocode import default_resolver
from incidents.geocode.timezones import zone_at, zone_of_context
from incidents.models import GeoContext


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (-1.2864, 36.8172, "Africa/Nairobi"),
        (34.5281, 69.1723, "Asia/Kabul"),
        (10.4880, -66.8792, "America/Caracas"),
        (-30.0, -30.0, "Etc/GMT+2"),  # the South Atlantic: the nautical zone, not silently UTC
    ],
)
def test_zone_at_a_point(lat, lon, zone):
    assert zone_at(lat, lon) == zone


@pytest.mark.parametrize(
    ("context", "zone"),
    [
        (GeoContext(country="KE", city="Nairobi"), "Africa/Nairobi"),
        (GeoContext(country="KE"), "Africa/Nairobi"),  # the capital's zone
        (GeoContext(country="NE", city="Niamey"), "Africa/Niamey"),
        (GeoContext(country="US", city="Seattle"), "America/Los_Angeles"),
        (GeoContext(), None),
    ],
)
def test_zone_of_the_event_context(context, zone):
    assert zone_of_context(context, default_resolver()) == zone


def test_the_zone_data_is_not_loaded_at_import():
    code = "import sys, incidents.extract.draft, maps.cli; print('tzfpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
