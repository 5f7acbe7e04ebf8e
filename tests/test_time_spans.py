"""A merged incident's time: where every report agrees (never contradicting one), and the span of its reports."""

from __future__ import annotations

from datetime import timedelta

from incidents.merge import fuse_time, span_time
from incidents.models import TimePrecision
from layers.timelabels import map_window
from tests.incident_factories import T0, located


def _phrased(report, text: str):
    return report.model_copy(update={"time": report.time.model_copy(update={"text": text})})


def test_agreement_holds_in_every_report_and_keeps_a_phrase_only_for_its_own_window():
    night = _phrased(located("night", start=T0, hours=6, precision=TimePrecision.part_of_day), "late Monday night")
    day = located("day", start=T0 + timedelta(hours=3), hours=24, precision=TimePrecision.day)
    fused = fuse_time([night, day])
    for r in (night, day):  # no report's own window is contradicted
        assert r.time.start <= fused.start and fused.end <= r.time.end
    assert (fused.start, fused.end) == (T0 + timedelta(hours=3), T0 + timedelta(hours=6))
    assert fused.text is None  # "late Monday night" described 6 hours, not these 3
    assert fuse_time([night]).text == "late Monday night"
    span = span_time([night, day])
    assert (span.start, span.end) == (T0, T0 + timedelta(hours=27)) and span.text is None
    assert span.precision is TimePrecision.part_of_day  # written with its hours
    holder = located("week", start=T0 - timedelta(days=1), hours=24 * 7, precision=TimePrecision.week)
    assert span_time([night, holder]) is holder.time  # one report's window holds them all


def test_the_map_writes_the_zone_one_way():
    report = located("r", start=T0, hours=1)
    local = report.time.model_copy(update={"tz": "America/Caracas"})
    assert map_window(local).endswith("(UTC\u22124, America/Caracas)")
    assert "(" not in map_window(local, zone=False)
    kolkata = local.model_copy(update={"tz": "Asia/Kolkata"})
    assert map_window(kolkata).endswith("(UTC+5:30, Asia/Kolkata)")
    assert map_window(local.model_copy(update={"tz": "UTC"})).endswith("(UTC)")
