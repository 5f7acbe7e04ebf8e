"""The one function every string passes through before it reaches HTML.

Report text, names, handles and URLs come from strangers. folium/branca compile strings as Jinja templates
and Leaflet inserts them as HTML, so we encode HTML metacharacters *and* the characters that start template or
JavaScript-template syntax (`{ } $ \\``), drop control characters, and link only http(s) URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = ["escape_text", "safe_url", "safe_link"]

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "{": "&#123;",
    "}": "&#125;",
    "$": "&#36;",
    "`": "&#96;",
    "\\": "&#92;",
    "\u2028": "&#x2028;",
    "\u2029": "&#x2029;",
}
_SPECIAL_CHARS = re.escape("".join(_ENTITIES))
_SPECIAL = re.compile(f"[{_SPECIAL_CHARS}]")
# C0/C1 controls except tab/newline, plus bidi overrides/isolates that can make text read backwards.
_STRIP_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_STRIP = re.compile(f"[{_STRIP_CHARS}]")
# Either kind: most text has neither, and one search is cheaper than two substitutions that change nothing.
_ANY = re.compile(f"[{_SPECIAL_CHARS}{_STRIP_CHARS}]")


def escape_text(value: object, *, max_length: int | None = None) -> str:
    """Text safe to place in HTML, in a Jinja template and inside a JS template literal; shown literally."""
    text = "" if value is None else str(value)
    dirty = _ANY.search(text) is not None  # most text has nothing to strip or encode
    if dirty:
        text = _STRIP.sub("\ufffd", text)
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1] + "\u2026"
    return _SPECIAL.sub(lambda m: _ENTITIES[m.group(0)], text) if dirty else text


_URL_UNSAFE_CHARS = r"\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
_URL_UNSAFE = re.compile(f"[{_URL_UNSAFE_CHARS}]")
# The common shape, http(s)://host[:port][/?#...] with an ASCII host name: urlsplit would accept it (scheme http(s),
# a non-empty hostname), so it is accepted without the (slow) split; anything else is split as before.
_PLAIN_HTTP = re.compile(r"https?://[a-z0-9.\-]+(?::[0-9]*)?(?:[/?#].*)?", re.ASCII | re.IGNORECASE | re.DOTALL)
# That shape with nothing to strip, refuse or encode: such a URL is its own escaped form. (No IGNORECASE: with
# Unicode matching it would let the Kelvin sign pass for a "k".)
_CLEAN_HTTP = re.compile(
    rf"[hH][tT][tT][pP][sS]?://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:[/?#][^{_URL_UNSAFE_CHARS}{_SPECIAL_CHARS}{_STRIP_CHARS}]*)?"
)


def safe_url(url: object) -> str | None:
    """The URL escaped for an href if it is http(s) with a host, else None."""
    if isinstance(url, str) and len(url) <= 4000 and _CLEAN_HTTP.fullmatch(url):
        return str(url)  # a plain str, as the escaping path returns
    return _checked_url(url)


@lru_cache(maxsize=65_536)
def _checked_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or len(candidate) > 4000 or _URL_UNSAFE.search(candidate):
        return None
    if _PLAIN_HTTP.fullmatch(candidate):
        return escape_text(candidate)
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return escape_text(candidate)


def safe_link(url: object, label: object | None = None) -> str:
    """An `<a>` for an http(s) URL, or the label/URL as plain escaped text when the URL is not safe."""
    href = safe_url(url)
    text = escape_text(label if label not in (None, "") else url, max_length=200)
    if href is None:
        return text
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{text}</a>'
