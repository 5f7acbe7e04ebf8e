"""Extraction on real articles against an analyst's hand-made truth: recall, precision, hedges never confirmed.

Not a test: the articles are news pages whose licence does not let us ship them, so they are read from a folder
given on the command line, with a `truth.yaml` beside them:

    niamey_sputnik.txt:                 # one entry per article file in the folder
      url: https://...                  # where the text was read (for the README's list)
      title: ...
      lang: en
      date: 2021-03-31                  # the dateline (--date)
      incidents:                        # what a careful analyst would map
        - {type: gunfire, place: [presidential office, Niamey], hedged: true}
        - {type: [gunfire, explosion], place: [Plateau], hedged: false}

A drafted report matches a truth incident when its event type is one of the incident's types, its `where`
contains one of the incident's place words (case-insensitive) and, when the incident gives `words`, its span (the
sentence or post) holds them. Recall: truth incidents matched by at least one report. Precision: drafted reports
that match some truth incident (a second report of one incident is not an invention: the merge step joins them).
Hedges: every report matching a hedged incident must carry a hedge (so the status policy never confirms it); the
count of violations must be 0.

    .venv/bin/python -m benchmarks.extraction /work/wt/articles [--json out.json] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import yaml

from incidents.extract import draft_event
from incidents.geocode import default_resolver


def _as_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _matches(report, incident: dict) -> bool:
    where = report.where.lower()
    words = str(incident.get("words") or "").lower()
    said = (report.span.text if report.span else "").lower()
    return (
        report.event_type in _as_list(incident["type"])
        and any(p.lower() in where for p in _as_list(incident["place"]))
        and words in said
    )


def score_article(path: Path, entry: dict, resolver) -> dict:
    """Scores of one article against its truth entry."""
    day = entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"]))
    event = draft_event(path.read_text(encoding="utf-8"), source_path=path.name, article_date=day, resolver=resolver)
    truth = entry.get("incidents") or []
    found = [any(_matches(r, t) for r in event.reports) for t in truth]
    real = [any(_matches(r, t) for t in truth) for r in event.reports]
    confirmed_hedged = [
        r.id for t in truth if t.get("hedged") for r in event.reports if _matches(r, t) and not r.hedges
    ]
    return {
        "article": path.name,
        "lang": entry.get("lang", "?"),
        "truth": len(truth),
        "found": sum(found),
        "drawn": len(event.reports),
        "real": sum(real),
        "hedged_confirmed": confirmed_hedged,
        "missed": [t for t, ok in zip(truth, found, strict=True) if not ok],
        "invented": [
            f"{r.event_type} {r.where!r} ({r.span.text[:80] if r.span else ''})"
            for r, ok in zip(event.reports, real, strict=True)
            if not ok
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder with the article .txt files and truth.yaml")
    parser.add_argument("--json", type=Path, help="write the per-article scores here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and invention")
    args = parser.parse_args(argv)
    truth = yaml.safe_load((args.folder / "truth.yaml").read_text(encoding="utf-8"))
    resolver = default_resolver()
    started = time.perf_counter()
    rows = [score_article(args.folder / name, entry, resolver) for name, entry in sorted(truth.items())]
    elapsed = time.perf_counter() - started
    for row in rows:
        print(
            f"{row['article']:34} {row['lang']:3} found {row['found']}/{row['truth']}"
            f"  real {row['real']}/{row['drawn']}  hedged-confirmed {len(row['hedged_confirmed'])}"
        )
        if args.verbose:
            for miss in row["missed"]:
                print(f"    missed   {miss}")
            for extra in row["invented"]:
                print(f"    invented {extra}")
            for rid in row["hedged_confirmed"]:
                print(f"    HEDGE LOST {rid}")
    truth_n, found = sum(r["truth"] for r in rows), sum(r["found"] for r in rows)
    drawn, real = sum(r["drawn"] for r in rows), sum(r["real"] for r in rows)
    lost = sum(len(r["hedged_confirmed"]) for r in rows)
    langs = sorted({r["lang"] for r in rows})
    print(
        f"\n{len(rows)} articles ({', '.join(langs)}): recall {found}/{truth_n} = {found / max(truth_n, 1):.1%},"
        f" precision {real}/{drawn} = {real / max(drawn, 1):.1%}, hedged claims confirmed: {lost};"
        f" {elapsed:.1f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
