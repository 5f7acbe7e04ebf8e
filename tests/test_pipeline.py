"""The pipeline: every report mapped or unresolved with a reason, counts that add up, notes kept as context."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.errors import GeocoderTimedOut
from incidents.loader import load_event
from incidents.models import EventFile, PlaceRole, Precision, Status
from incidents.pipeline import build_event
from incidents.verify import StatusPolicy
from tests.incident_factories import FakeResolver, geocode

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "caracas.yaml"
MINIMAL = Path(__file__).resolve().parent / "data" / "incident_files" / "minimal.yaml"

PALACE = geocode(10.5065, -66.9147, 950)
CARACAS = geocode(10.4806, -66.9036, 15_000, Precision.city)
SEED_PLACES = {
    "around Miraflores": geocode(10.5065, -66.9147, 1500, Precision.district),
    "Caracas, Venezuela": CARACAS,
    "in the vicinity of the presidential palace": geocode(10.5065, -66.9147, 1050),
    "near the presidential palace": PALACE,
    "heading to the presidential palace": geocode(10.5065, -66.9147, 3000),
}


def _accounted(mapped) -> None:  # noqa: ANN001
    counts = mapped.counts
    assert counts.read == counts.mapped + counts.unresolved
    ids = [r.report.id for i in mapped.incidents for r in i.reports] + [u.record for u in mapped.unresolved]
    assert len(ids) == len(set(ids)) == counts.read


def test_the_seed_with_every_place_known_maps_every_report() -> None:
    event = load_event(SEED)
    resolver = FakeResolver(SEED_PLACES | {"Caracus, Venezuela": CARACAS})
    mapped = build_event(event, resolver=resolver)
    _accounted(mapped)
    assert mapped.counts.unresolved == 0 and mapped.counts.notes == 3
    assert mapped.reports_read == 7 and len(mapped.sources) == 6
    assert [n.id for n in mapped.notes] == ["note-coup-rumour", "note-military-discontent", "note-tupy-councils"]
    assert all(ctx.country == "VE" for _, ctx, _ in resolver.calls)
    roles = {text: role for text, _, role in resolver.calls}
    assert roles["heading to the presidential palace"] is PlaceRole.destination
    assert all(i.assessment.status is Status.unconfirmed for i in mapped.incidents)


def test_a_place_that_fails_goes_to_unresolved_with_the_reason() -> None:
    event = load_event(SEED)
    mapped = build_event(event, resolver=FakeResolver(SEED_PLACES))  # the misspelt "Caracus" is unknown
    _accounted(mapped)
    (missing,) = mapped.unresolved
    assert (missing.record, missing.kind, missing.where) == ("worldsource-smoke", "report", "Caracus, Venezuela")
    assert missing.reason == "place not found: no match for 'Caracus, Venezuela'"
    assert "1 unresolved" in mapped.counts.line()


def test_a_geocoder_outage_is_unresolved_not_a_crash() -> None:
    places = dict(SEED_PLACES) | {"Caracas, Venezuela": GeocoderTimedOut("nominatim did not answer in 10 s")}
    mapped = build_event(load_event(SEED), resolver=FakeResolver(places))
    _accounted(mapped)
    reasons = {u.record: u.reason for u in mapped.unresolved}
    assert reasons["disclosetv-gunfire"] == "geocoder failed: nominatim did not answer in 10 s"


def test_explicit_coordinates_skip_the_resolver() -> None:
    resolver = FakeResolver({"near the presidential palace": PALACE})
    mapped = build_event(load_event(MINIMAL), resolver=resolver)
    _accounted(mapped)
    assert [c[0] for c in resolver.calls] == ["near the presidential palace"]
    explicit = next(i for i in mapped.incidents if i.reports[0].report.id == "r2")
    assert (explicit.geocode.method, explicit.geocode.radius_m, explicit.geocode.precision) == (
        "explicit", 5000.0, Precision.city)
    assert explicit.time.text == "late Monday night"


def test_a_time_without_a_date_is_unresolved_with_the_reason() -> None:
    data = load_event(MINIMAL).model_dump()
    data["reference_date"] = None
    data["reports"][0]["when"] = {"text": "last night"}
    resolver = FakeResolver({"near the presidential palace": PALACE})
    mapped = build_event(EventFile.model_validate(data), resolver=resolver)
    _accounted(mapped)
    (bad,) = mapped.unresolved
    assert bad.record == "r1"
    assert bad.reason.startswith("bad time or place: field 'when': time 'last night' has no date")


def test_a_report_naming_an_undefined_source_is_unresolved() -> None:
    data = load_event(MINIMAL).model_dump()
    data["reports"][0]["source"] = "ghost"  # only possible when the loader's checks are bypassed
    mapped = build_event(EventFile.model_validate(data), resolver=FakeResolver({}))
    _accounted(mapped)
    assert mapped.unresolved[0].reason == "unknown source 'ghost'"


def test_no_merge_maps_one_incident_per_report() -> None:
    event = load_event(SEED)
    merged = build_event(event, resolver=FakeResolver(SEED_PLACES))
    separate = build_event(event, resolver=FakeResolver(SEED_PLACES), merge=False)
    assert merged.counts.incidents < separate.counts.incidents == separate.counts.mapped == 6
    assert separate.counts.merged == 0 and merged.counts.merged == 6 - merged.counts.incidents
    _accounted(separate)


def test_the_policy_is_passed_through() -> None:
    lenient = StatusPolicy(min_independent_sources=1, require_media=False)
    mapped = build_event(load_event(SEED), resolver=FakeResolver(SEED_PLACES), policy=lenient)
    assert any(i.assessment.status is Status.confirmed for i in mapped.incidents)


def test_the_same_input_gives_the_same_result() -> None:
    event = load_event(SEED)
    first = build_event(event, resolver=FakeResolver(SEED_PLACES)).model_dump_json()
    assert build_event(event, resolver=FakeResolver(SEED_PLACES)).model_dump_json() == first


def test_an_empty_event_maps_to_nothing() -> None:
    mapped = build_event(EventFile(title="Quiet night"), resolver=FakeResolver({}))
    assert mapped.counts.line() == "0 reports read, 0 mapped into 0 incidents (0 merged into others), 0 unresolved, " \
                                   "0 context notes"


@pytest.mark.parametrize("merge", [True, False])
def test_the_seed_with_the_bundled_offline_gazetteer(merge: bool) -> None:
    mapped = build_event(load_event(SEED), merge=merge)
    _accounted(mapped)
    assert mapped.counts.read == 7
    assert all(i.geocode.radius_m > 0 for i in mapped.incidents)
