"""Accounting: every input report is exported or listed as unresolved with a reason, exactly once; the stderr line
(`N reports read, M mapped into I incidents (G merged into others), U unresolved, K context notes`) adds up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from maps.cli import main

LINE = re.compile(
    r"^(?P<read>\d+) reports? read, (?P<mapped>\d+) mapped into (?P<incidents>\d+) incidents? "
    r"\((?P<merged>\d+) merged into others\), (?P<unresolved>\d+) unresolved, (?P<notes>\d+) context notes?$"
)


def incident_file(k: int) -> tuple[dict, dict[str, int]]:
    """k groups of three reports of one event (merged), k explicit singles, one gazetteer place, k places that
    cannot be geocoded and one impossible time; returns the document and the counts it must give when merged."""
    reports = []
    for i in range(k):  # three sources, one spot, one hour: one incident
        for j, source in enumerate(["s1", "s2", "s3"]):
            reports.append(
                {
                    "id": f"merged-{i}-{j}",
                    "event_type": "gunfire" if j else "air_defence_fire",
                    "where": f"spot {i}",
                    "lat": 8.0 + 0.3 * i,
                    "lon": -66.0,
                    "radius_m": 500,
                    "when": {"start": "2026-01-06T01:00:00-04:00", "precision": "hour"},
                    "source": source,
                    "summary": f"Gunfire at spot {i}.",
                }
            )
    for i in range(k):  # explicit coordinates far from everything else
        reports.append(
            {
                "id": f"explicit-{i}",
                "event_type": "explosion",
                "where": f"field {i}",
                "lat": 5.0 + 0.3 * i,
                "lon": -62.0,
                "radius_m": 200,
                "when": "2026-01-06",
                "source": "s4",
                "summary": "A blast.",
            }
        )
    reports.append(
        {
            "id": "gazetteer-0",
            "event_type": "smoke_fire",
            "where": "La Carlota, Caracas",
            "when": "2026-01-03",
            "source": "s1",
            "summary": "Smoke over the air base.",
        }
    )
    for i in range(k):  # no gazetteer knows these
        reports.append(
            {
                "id": f"nowhere-{i}",
                "event_type": "protest",
                "where": f"Qxzvb Plorthkw {chr(97 + i)}",
                "when": "2026-01-06",
                "source": "s2",
                "summary": "A crowd somewhere.",
            }
        )
    reports.append(
        {
            "id": "bad-time-0",
            "event_type": "gunfire",
            "where": "La Carlota, Caracas",
            "when": {"start": "2026-01-06T10:00:00", "end": "2026-01-06T09:00:00"},
            "source": "s3",
            "summary": "Shots, with an end before the start.",
        }
    )
    doc = {
        "title": "Accounting",
        "timezone": "America/Caracas",
        "reference_date": "2026-01-06",
        "context": {"country": "VE", "city": "Caracas"},
        "sources": [
            {"id": f"s{n}", "name": f"Source {n}", "kind": "media" if n == 4 else "social"} for n in range(1, 5)
        ],
        "reports": reports,
        "notes": [{"id": "note-1", "text": "A rumour with no place.", "source": "s1"}],
    }
    counts = {
        "read": 5 * k + 2,
        "mapped": 4 * k + 1,
        "incidents": 2 * k + 1,
        "merged": 2 * k,
        "unresolved": k + 1,
        "notes": 1,
    }
    return doc, counts


def accounting_line(err: str) -> dict[str, int]:
    found = [m for m in map(LINE.match, err.splitlines()) if m]
    assert len(found) == 1, err
    return {key: int(value) for key, value in found[0].groupdict().items()}


def unresolved_rows(path: Path) -> list[dict]:
    rows = json.loads(path.read_text(encoding="utf-8"))["unresolved"]
    assert all(row["reason"].strip() for row in rows), "every unresolved record says why"
    return rows


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("no_merge", [False, True])
def test_every_report_is_exported_or_unresolved_exactly_once(tmp_path: Path, capsys, k: int, no_merge: bool):
    doc, expected = incident_file(k)
    if no_merge:
        expected = {**expected, "incidents": expected["mapped"], "merged": 0}
    source = tmp_path / "event.yaml"
    source.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    ids = [r["id"] for r in doc["reports"]]
    extra = ["--no-merge"] if no_merge else []

    assert main(["render", str(source), "-o", str(tmp_path / "map.html"), *extra]) == 0
    assert accounting_line(capsys.readouterr().err) == expected
    rendered_unresolved = unresolved_rows(tmp_path / "map.unresolved.json")

    out = tmp_path / "out.geojson"
    assert main(["export", str(source), "-o", str(out), "--reports", *extra]) == 0
    assert accounting_line(capsys.readouterr().err) == expected
    unresolved = unresolved_rows(tmp_path / "out.unresolved.json")
    assert unresolved == rendered_unresolved

    exported = [f["id"] for f in json.loads((tmp_path / "out.reports.geojson").read_text())["features"]]
    listed = [row["record"] for row in unresolved if row.get("kind", "report") == "report"]
    assert sorted(exported + listed) == sorted(ids), "every report exactly once, none dropped, none doubled"
    assert len(exported) == expected["mapped"] and len(listed) == expected["unresolved"]
    assert {r for r in listed} == {f"nowhere-{i}" for i in range(k)} | {"bad-time-0"}
    reasons = {row["record"]: row["reason"] for row in unresolved}
    assert all("place not found" in reasons[f"nowhere-{i}"] for i in range(k))
    assert "end" in reasons["bad-time-0"] and "before start" in reasons["bad-time-0"]

    incidents = json.loads(out.read_text())["features"]
    assert len(incidents) == expected["incidents"]
    in_incidents = [rid for f in incidents for rid in f["properties"].get("report_ids", [])]
    if in_incidents:  # the incidents' own report lists agree with the reports file
        assert sorted(in_incidents) == sorted(exported)
