"""Hostile strings: what strangers on the internet may put in any text field. Generated as families x wrappers.

FAMILIES names the kinds (template syntax, HTML, attribute breaking, script breaking, JS strings, unicode tricks,
look-alikes); `family_payloads(name)` is one family with every wrapper, as HOSTILE has them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

FAMILIES: dict[str, list[str]] = {
    # Jinja / template syntax (folium and branca compile strings as templates)
    "template": [
        "{{ 7*7 }}",
        "{{7*'7'}}",
        "{% for x in range(3) %}LOOP{% endfor %}",
        "{{ config }}",
        "{{ self }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{# comment #}",
        "{% raw %}RAW{% endraw %}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{%- include 'x' -%}",
        "{{ this.get_name() }}",
    ],
    # HTML / script injection
    "html": [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "<svg onload=alert(3)>",
        "<iframe src=javascript:alert(4)>",
        "<b onmouseover=alert(5)>hover</b>",
        "<a href=javascript:alert(6)>click</a>",
        "<style>*{display:none}</style>",
        "<details open ontoggle=alert(7)>",
        "<body onload=alert(8)>",
        "<math><mi xlink:href=javascript:alert(9)>",
    ],
    # attribute breaking
    "attribute": [
        '" onmouseover="alert(10)',
        "' autofocus onfocus='alert(11)",
        '"><script>alert(12)</script>',
        "'><img src=x onerror=alert(13)>",
    ],
    # script / comment / CDATA breaking
    "breaking": [
        "</script><script>alert(14)</script>",
        "</SCRIPT><script>alert(15)</script>",
        "<!--",
        "-->",
        "]]>",
        "<![CDATA[x]]>",
        "</style><script>alert(16)</script>",
        "</textarea><script>alert(17)</script>",
        "</title><script>alert(18)</script>",
    ],
    # JS template literals and string breaking
    "js": [
        "${alert(19)}",
        "`${alert(20)}`",
        "\\`; alert(21); //",
        "'); alert(22); //",
        '"); alert(23); //',
        "\\u003cscript\\u003e",
    ],
    # unicode tricks
    "unicode": [
        "line\u2028separator",
        "para\u2029separator",
        "\u202eevil\u202c",
        "zero\u200bwidth\u200djoin",
        "nul\x00byte",
        "crlf\r\nline",
        "bell\x07and\x1bescape",
        "emoji 🚨👀🏳️‍🌈",
        "\ufeffbom",
        "ｓｃｒｉｐｔ＜＞",
        "\u0000\u0001\u0002",
    ],
    # markup-ish look-alikes
    "lookalike": [
        "&lt;script&gt;alert(24)&lt;/script&gt;",
        "&#60;img src=x onerror=alert(25)&#62;",
        "%3Cscript%3Ealert(26)%3C/script%3E",
    ],
}
_CORE = [payload for family in FAMILIES.values() for payload in family]
_WRAPPERS = ["{}", "before {} after", "{}{}", "<p>{}</p>", "**{}**"]

HOSTILE: list[str] = []
for _core in _CORE:
    for _wrap in _WRAPPERS:
        _s = _wrap.replace("{}", _core)
        if _s not in HOSTILE:
            HOSTILE.append(_s)
HOSTILE += ["A" * 100_000, "{{" * 5_000, "<" * 10_000]


def family_payloads(name: str) -> list[str]:
    """The payloads of one family, each in every wrapper (in HOSTILE's order)."""
    found: list[str] = []
    for core in FAMILIES[name]:
        for wrap in _WRAPPERS:
            text = wrap.replace("{}", core)
            if text not in found:
                found.append(text)
    return found

HOSTILE_URLS: list[str] = [
    "javascript:alert(1)",
    "JavaScript:alert(2)",
    " javascript:alert(3)",
    "java\tscript:alert(4)",
    "jav&#x09;ascript:alert(5)",
    "data:text/html,<script>alert(6)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(8)",
    "file:///etc/passwd",
    "//evil.example/x",
    'https://ok.example/"><script>alert(9)</script>',
    "https://ok.example/{{7*7}}",
    "https://ok.example/${alert(10)}",
    "http://",
    "https:alert(11)",
    "\u202ehttps://x.example",
]
SAFE_URL = "https://example.org/post/1?a=1&b=2"


def hostile_event(payload: str, url: str = SAFE_URL) -> dict:
    """An incident document with `payload` in every text field (places kept resolvable)."""
    return {
        "title": f"Title {payload}",
        "description": payload,
        "timezone": "America/Caracas",
        "reference_date": "2026-01-06",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [
            {"id": "s1", "name": f"Name {payload}", "handle": f"@h {payload}", "kind": "social", "url": url},
            {"id": "s2", "name": payload, "kind": "media", "url": SAFE_URL},
        ],
        "reports": [
            {
                "id": "r1",
                "event_type": "gunfire",
                "where": "near the presidential palace",
                "when": "2026-01-06",
                "source": "s1",
                "url": url,
                "media": [url, SAFE_URL],
                "summary": f"Summary {payload}",
                "hedges": [payload],
            },
            {
                "id": "r2",
                "event_type": "gunfire",
                "where": f"{payload}",
                "lat": 10.5,
                "lon": -66.91,
                "radius_m": 500,
                "when": {"start": "2026-01-06T01:00:00", "precision": "hour", "text": payload},
                "source": "s2",
                "summary": payload,
                "override": {"status": "confirmed", "reason": payload, "by": payload},
            },
        ],
        "notes": [{"id": "n1", "text": payload, "source": "s1", "hedges": [payload]}],
    }


def write_hostile_event(path: Path, payload: str, url: str = SAFE_URL) -> Path:
    """Write hostile_event() as YAML."""
    path.write_text(yaml.safe_dump(hostile_event(payload, url), allow_unicode=True), encoding="utf-8")
    return path
