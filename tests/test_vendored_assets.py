"""Every pinned asset is in the checkout, licensed, and its SRI hash is the one the page carries.

The hashes are pinned here as literals (jsDelivr's SRI for each file at its version): the test compares the page's
integrity attribute and the vendored file's bytes with them, so a changed file or a changed hash function fails it
(recomputing the hash from the same file, as the page does, could never fail). Updating an asset means updating its
pin here, on purpose.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from maps.assets import BUNDLES, asset_tags, vendor_dir

ASSETS = [a for bundle in BUNDLES.values() for a in bundle]
PINNED_SRI = {
    "leaflet@1.9.4/dist/leaflet.css": "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H",
    "leaflet@1.9.4/dist/leaflet.js": "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH",
    "leaflet.fullscreen@3.0.2/Control.FullScreen.css":
        "sha384-PALxxXbG28eiE9bT7yKmsbjd4Ta3qKMLlzsrp6G+05f4Nltt4ktlg1l7e4RPeNEa",
    "leaflet.fullscreen@3.0.2/Control.FullScreen.js":
        "sha384-l0YxV5zMlsDoa/OatH90j4WDu9eFcFTMBjn1+AZN39VXC/k+uKAu3RTciIg3Te2t",
    "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.css":
        "sha384-fJfuZkkcvs8WaA4EwtvOnAdWCnya8UJs3liz2V87teR6CERxOgK/sAs+Qtemadnv",
    "leaflet-minimap@3.6.1/dist/Control.MiniMap.min.js":
        "sha384-s+UjUz5AYaOKTypfMOTUwRsgophnJbGXlggAD/BqTA1iRFjRK9IK0FOddzOe0b4N",
    "leaflet.markercluster@1.5.3/dist/MarkerCluster.css":
        "sha384-pmjIAcz2bAn0xukfxADbZIb3t8oRT9Sv0rvO+BR5Csr6Dhqq+nZs59P0pPKQJkEV",
    "leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css":
        "sha384-wgw+aLYNQ7dlhK47ZPK7FRACiq7ROZwgFNg0m04avm4CaXS+Z9Y7nMu8yNjBKYC+",
    "leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js":
        "sha384-eXVCORTRlv4FUUgS/xmOyr66XBVraen8ATNLMESp92FKXLAMiKkerixTiBvXriZr",
    "leaflet.heat@0.2.0/dist/leaflet-heat.js":
        "sha384-mFKkGiGvT5vo1fEyGCD3hshDdKmW3wzXW/x+fWriYJArD0R3gawT6lMvLboM22c0",
}


def test_every_asset_has_a_pinned_hash():
    assert sorted(a.relative for a in ASSETS) == sorted(PINNED_SRI)


@pytest.mark.parametrize("asset", ASSETS, ids=lambda a: a.relative)
def test_asset_is_vendored_with_a_license_and_pinned(asset):
    assert asset.file.is_file() and asset.file.stat().st_size > 0
    package_dir = vendor_dir() / f"{asset.package}@{asset.version}"
    assert any(p.name.upper().startswith(("LICENSE", "MIT-LICENCE")) for p in package_dir.iterdir())
    pinned = PINNED_SRI[asset.relative]
    assert "sha384-" + base64.b64encode(hashlib.sha384(asset.file.read_bytes()).digest()).decode() == pinned
    assert asset.integrity() == pinned
    assert f'integrity="{pinned}"' in asset_tags(list(BUNDLES), "cdn")
    assert asset.cdn_url == f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.path}"


def test_cdn_tags_carry_integrity_and_inline_tags_carry_no_urls():
    cdn = asset_tags(list(BUNDLES), "cdn")
    assert cdn.count('integrity="sha384-') == len(ASSETS) and 'crossorigin="anonymous"' in cdn
    inline = asset_tags(list(BUNDLES), "inline")
    assert "cdn.jsdelivr.net" not in inline and "url(images/" not in inline and "data:image/png;base64," in inline
