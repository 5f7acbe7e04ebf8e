"""OpenStreetMap packs: `incident-map gazetteer build` on a small .osm.pbf written here (pyosmium, no extra tool),
read back with GDAL, and used through --gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import osmium
import pyogrio
import pytest
import yaml

from incidents.geocode import default_resolver
from incidents.models import GeoContext
from maps.cli import main

CONAKRY = GeoContext(country="GN", city="Conakry")


def _nodes(start: int, points: list[tuple[float, float]]) -> str:
    return "".join(f'<node id="{start + i}" version="1" lat="{lat}" lon="{lon}"/>' for i, (lat, lon) in enumerate(points))


def _way(way_id: int, refs: list[int], tags: dict[str, str]) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    return f'<way id="{way_id}" version="1">{nds}{_tags(tags)}</way>'


def _tags(tags: dict[str, str]) -> str:
    return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())


def write_extract(folder: Path) -> Path:
    """A tiny Conakry extract: a national boundary, a palace, a quarter drawn and labelled, a road in two ways,
    an embassy node, a nameless hospital, a named bridge way, a building nobody asked for and a station that bears
    only the city's name (the name means the city)."""
    box = [(9.40, -13.80), (9.40, -13.60), (9.60, -13.60), (9.60, -13.80)]
    palace = [(9.5100, -13.7090), (9.5100, -13.7070), (9.5120, -13.7070), (9.5120, -13.7090)]
    quarter = [(9.5200, -13.7000), (9.5200, -13.6900), (9.5300, -13.6900), (9.5300, -13.7000)]
    road = [(9.540, -13.70), (9.545, -13.69), (9.550, -13.68)]
    xml = ['<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="test">',
           _nodes(1, box), _nodes(11, palace), _nodes(21, quarter), _nodes(31, road),
           _nodes(41, [(9.513, -13.700), (9.514, -13.699)]),
           f'<node id="51" version="1" lat="9.505" lon="-13.712">{_tags({"amenity": "embassy", "name": "Ambassade de France", "name:en": "French Embassy"})}</node>',
           f'<node id="52" version="1" lat="9.525" lon="-13.695">{_tags({"place": "quarter", "name": "Boulbinet"})}</node>',
           f'<node id="53" version="1" lat="9.52" lon="-13.71">{_tags({"amenity": "hospital"})}</node>',
           f'<node id="54" version="1" lat="9.50" lon="-13.72">{_tags({"amenity": "hospital", "name": "Hôpital Ignace Deen", "alt_name": "Ignace Deen;CHU Ignace Deen"})}</node>',
           f'<node id="55" version="1" lat="9.538" lon="-13.677">{_tags({"railway": "station", "name": "Conakry"})}</node>',
           _way(100, [1, 2, 3, 4, 1], {}),
           _way(101, [11, 12, 13, 14, 11], {"historic": "palace", "name": "Palais Mohammed V",
                                            "name:en": "Mohammed V Palace", "official_name": "Palais présidentiel"}),
           _way(102, [21, 22, 23, 24, 21], {"place": "quarter", "name": "Boulbinet"}),
           _way(103, [31, 32], {"highway": "primary", "name": "Route du Niger"}),
           _way(104, [32, 33], {"highway": "primary", "name": "Route du Niger"}),
           _way(105, [41, 42], {"highway": "primary", "bridge": "yes", "name": "Pont du 8 Novembre"}),
           _way(106, [11, 12, 13, 11], {"building": "yes", "name": "Some shed"}),
           '<relation id="200" version="1"><member type="way" ref="100" role="outer"/>',
           _tags({"type": "boundary", "boundary": "administrative", "admin_level": "2", "name": "Guinée",
                  "ISO3166-1:alpha2": "GN"}),
           "</relation></osm>"]
    source = folder / "conakry.osm"
    source.write_text("".join(xml), encoding="utf-8")
    target = folder / "conakry.osm.pbf"
    writer = osmium.SimpleWriter(str(target))
    try:
        for obj in osmium.FileProcessor(str(source)):
            writer.add(obj)
    finally:
        writer.close()
    return target


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("osm")
    output = folder / "conakry.gpkg"
    assert main(["gazetteer", "build", str(write_extract(folder)), "-o", str(output)]) == 0
    return output


def test_pack_holds_the_named_places_with_footprint_radii(pack):
    info = pyogrio.read_info(pack, layer="places")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point"
    rows = {r["id"]: r for r in pyogrio.read_dataframe(pack, layer="places").to_dict("records")}
    assert sorted(rows) == ["osm:node/51", "osm:node/54", "osm:way/101", "osm:way/102", "osm:way/103",
                            "osm:way/105"]  # the Boulbinet area's label, the nameless hospital, the shed, "Conakry" station: gone
    palace = rows["osm:way/101"]
    assert (palace["feature"], palace["precision"], palace["country"]) == ("palace", "landmark", "GN")
    assert 150 < palace["radius_m"] < 170  # a 220 m x 220 m footprint's enclosing circle
    assert json.loads(palace["aliases"]) == ["Mohammed V Palace", "Palais présidentiel"]
    assert abs(palace["geometry"].y - 9.511) < 1e-4 and abs(palace["geometry"].x + 13.708) < 1e-4
    assert rows["osm:way/102"]["feature"] == "quarter" and rows["osm:way/102"]["precision"] == "district"
    road = rows["osm:way/103"]  # two ways, one road
    assert road["feature"] == "road" and 1_200 < road["radius_m"] < 1_260  # the enclosing circle of both ways (2.46 km end to end)
    assert rows["osm:way/105"]["feature"] == "bridge"
    assert json.loads(rows["osm:node/54"]["aliases"]) == ["CHU Ignace Deen", "Ignace Deen"]
    assert rows["osm:node/51"]["radius_m"] == 80.0  # a node: the default size of an embassy
    meta = pyogrio.read_info(pack)["dataset_metadata"]
    assert "ODbL" in meta["licence"] and "OpenStreetMap contributors" in meta["attribution"]
    assert meta["source"] == "OpenStreetMap extract conakry.osm.pbf"


def test_pack_answers_through_gazetteer_option_and_user_entries_win(pack, tmp_path):
    resolver = default_resolver(gazetteers=[pack])
    palace = resolver.resolve("in the vicinity of Mohammed V Palace", CONAKRY)
    assert (palace.entry.id, palace.entry.source, palace.method) == ("osm:way/101", "osm", "gazetteer")
    assert resolver.resolve("CHU Ignace Deen", CONAKRY).entry.id == "osm:node/54"
    with pytest.raises(LookupError):
        resolver.resolve("Boulbinet", GeoContext(country="SN"))  # placed in Guinea by the extract's boundary
    desk = tmp_path / "desk.yaml"
    desk.write_text(yaml.safe_dump({"entries": [{"name": "Palais Mohammed V", "lat": 9.5111, "lon": -13.7081,
                                                 "radius_m": 90, "country": "GN"}]}), encoding="utf-8")
    mine = default_resolver(gazetteers=[pack, desk]).resolve("Palais Mohammed V", CONAKRY)
    assert mine.entry.source == "user" and mine.radius_m == 90  # a user file goes before a pack, whatever the order


def test_build_refuses_a_bad_extract_and_a_wrong_suffix(tmp_path, capsys):
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"this is not a PBF file at all")
    assert main(["gazetteer", "build", str(bad), "-o", str(tmp_path / "p.gpkg")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[-1].startswith(f"incident-map: error: {bad}: cannot read OpenStreetMap file"), err
    assert not (tmp_path / "p.gpkg").exists()
    assert main(["gazetteer", "build", str(bad), "-o", str(tmp_path / "p.geojson")]) == 2
    assert "name it .gpkg" in capsys.readouterr().err


def test_a_pack_broken_by_hand_is_one_line_exit_2(tmp_path, capsys):
    from incidents.geocode.osm_pack import PackPlace, write_pack

    pack = tmp_path / "edited.gpkg"
    write_pack([PackPlace(id="node/1", name="Kaloum", aliases=[], feature="quarter", lat=9.5, lon=-13.7,
                          radius_m=1000.0, country="GN"),
                PackPlace(id="node/2", name="Boulbinet", aliases=[], feature="quarter", lat=9.52, lon=-13.69,
                          radius_m=0.0, country="GN")], pack, source="test")
    assert main(["geocode", "Kaloum", "--context", "Conakry, GN", "--gazetteer", str(pack)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"incident-map: error: {pack}: feature 2: field 'radius_m': must be more than 0 metres", err
