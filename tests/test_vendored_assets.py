"""Every pinned asset is in the checkout, licensed, and its SRI hash is the one the page carries."""

from __future__ import annotations

import base64
import hashlib

import pytest

from maps.assets import BUNDLES, asset_tags, vendor_dir

ASSETS = [a for bundle in BUNDLES.values() for a in bundle]


@pytest.mark.parametrize("asset", ASSETS, ids=lambda a: a.relative)
def test_asset_is_vendored_with_a_license_and_pinned(asset):
    assert asset.file.is_file() and asset.file.stat().st_size > 0
    package_dir = vendor_dir() / f"{asset.package}@{asset.version}"
    assert any(p.name.upper().startswith(("LICENSE", "MIT-LICENCE")) for p in package_dir.iterdir())
    expected = "sha384-" + base64.b64encode(hashlib.sha384(asset.file.read_bytes()).digest()).decode()
    assert asset.integrity() == expected
    assert asset.cdn_url == f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.path}"


def test_cdn_tags_carry_integrity_and_inline_tags_carry_no_urls():
    cdn = asset_tags(list(BUNDLES), "cdn")
    assert cdn.count('integrity="sha384-') == len(ASSETS) and 'crossorigin="anonymous"' in cdn
    inline = asset_tags(list(BUNDLES), "inline")
    assert "cdn.jsdelivr.net" not in inline and "url(images/" not in inline and "data:image/png;base64," in inline
