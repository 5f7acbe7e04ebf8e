"""The status policy: when the reports of one incident count as confirmed, and the sentence that says why.

Rules (each a field of StatusPolicy, so a desk can write its own policy file):
- A source is counted once, however many reports it made.
- A source that `cites` another source present in the incident only relays it: it is not counted (in a cycle of
  sources citing each other, the first one reported is counted).
- Aggregators (kind `aggregator`, or ids/handles listed in `aggregators`) repost what others filmed, maybe the
  very footage an original source posted: they count as one source between them, and only when no original
  source is counted (`aggregators_count_once_alone`; set it false to never count them).
- A source whose every report in the incident is hedged ("allegedly", "reportedly") is not counted, unless
  `count_hedged` is set.
- A source that places the event only within a circle more than `vague_ratio` times as wide as the most precise report
  of a source that could count, and wider than `vague_min_radius_m` (2 km), is not counted: "gunfire in Caracas"
  (15 km) does not corroborate "gunfire near the palace" (1 km), which is where the incident is drawn, while two
  sources at 150 m and 20 m both count. `vague_ratio: 0` turns this off.
- Official sources count once by default: an official statement is one claim, often from a party to the events.
  `official_counts_double` makes each count twice.
- Confirmed needs `min_independent_sources` counted sources and, if `require_media`, a photo or video link.
- An analyst's override always wins and says so; of several, the latest report's override wins (and the reason
  says whether the overrides disagree).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError
from .models import Assessment, LocatedReport, Source, SourceKind, Status
from .numbers import InputNumber, WholeNumber
from .wording import plural

__all__ = ["StatusPolicy", "SourceCount"]


def _label(source: Source) -> str:
    return source.handle or source.name


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(repr(w) for w in words)


class SourceCount(BaseModel):
    """Which sources of an incident count toward corroboration, and why the others do not."""

    model_config = ConfigDict(frozen=True)

    counted: tuple[Source, ...] = ()
    weight: int = 0
    not_counted: tuple[str, ...] = Field(default=(), description="one short phrase per source left out")
    labels: tuple[str, ...] = ()


class StatusPolicy(BaseModel):
    """Decides confirmed vs unconfirmed from independent sources, media and hedges."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_independent_sources: WholeNumber = Field(default=2, ge=1, description="counted sources needed to confirm")
    require_media: bool = Field(default=True, description="confirmed also needs a photo or video link")
    count_hedged: bool = Field(default=False, description="count sources whose every report is hedged")
    official_counts_double: bool = Field(default=False, description="an official source counts as two")
    aggregators_count_once_alone: bool = Field(
        default=True, description="aggregators count as one source, only when no original source is counted"
    )
    aggregators: tuple[str, ...] = Field(default=(), description="extra source ids or handles that only repost")
    vague_ratio: InputNumber = Field(
        default=5.0,
        ge=0.0,
        description="a source whose circle is this many times wider than the incident's most precise counted "
        "report's, and wider than vague_min_radius_m, is not counted for it (0: off)",
    )
    vague_min_radius_m: InputNumber = Field(
        default=2_000.0, ge=0.0, description="a source placing the event within this radius is never too vague"
    )

    @classmethod
    def from_file(cls, path: str | Path) -> StatusPolicy:
        """A policy from a YAML file holding any of the fields above (missing ones keep their defaults)."""
        from .loader import parse_document, read_input_text, validation_error

        path = Path(path)
        raw = parse_document(path, read_input_text(path))
        if not isinstance(raw, dict):
            raise InputError("a policy file must be a mapping of settings such as min_independent_sources: 2",
                             path=str(path))
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise validation_error(exc, raw, path=str(path), record="policy") from exc

    def is_aggregator(self, source: Source) -> bool:
        """Whether the source only reposts what others filmed or wrote."""
        return source.kind is SourceKind.aggregator or source.id in self.aggregators or (
            source.handle is not None and source.handle in self.aggregators
        )

    def count_sources(self, reports: Sequence[LocatedReport]) -> SourceCount:
        """The independent sources among `reports` under this policy."""
        sources: dict[str, Source] = {}
        hedged_only: dict[str, bool] = {}
        tightest: dict[str, float] = {}  # each source's most precise circle in this incident
        for r in reports:
            sid = r.source.id
            sources.setdefault(sid, r.source)
            hedged_only[sid] = hedged_only.get(sid, True) and bool(r.report.hedges)
            tightest[sid] = min(tightest.get(sid, r.geocode.radius_m), r.geocode.radius_m)
        relays = self._relays(sources)
        originals: list[Source] = []
        aggregators: list[Source] = []
        left_out: list[str] = []
        candidates: list[Source] = []
        for source in sources.values():
            if source.id in relays:
                left_out.append(f"{_label(source)} relays {', '.join(relays[source.id])}")
            elif hedged_only[source.id] and not self.count_hedged:
                left_out.append(f"{_label(source)} is hedged")
            else:
                candidates.append(source)
        # precision is judged among the sources that could count: a relay's or a rumour's pinpoint does not make
        # the others vague
        finest = min((tightest[s.id] for s in candidates), default=0.0)
        for source in candidates:
            radius = tightest[source.id]
            if self.vague_ratio and radius > self.vague_ratio * finest and radius > self.vague_min_radius_m:
                left_out.append(
                    f"{_label(source)} places it only within {_distance(radius)}, "
                    f"the most precise report within {_distance(finest)}"
                )
            elif self.is_aggregator(source):
                aggregators.append(source)
            else:
                originals.append(source)
        weight, labels = 0, []
        for source in originals:
            double = self.official_counts_double and source.kind is SourceKind.official
            weight += 2 if double else 1
            labels.append(_label(source) + (" (official, counted twice)" if double else ""))
        counted = list(originals)
        if aggregators and originals:
            left_out += [f"{_label(s)} is an aggregator" for s in aggregators]
        elif aggregators and self.aggregators_count_once_alone:
            weight += 1
            counted += aggregators
            kind = "aggregators, counted once" if len(aggregators) > 1 else "aggregator"
            labels.append(f"{'/'.join(_label(s) for s in aggregators)} ({kind})")
        elif aggregators:
            left_out += [f"{_label(s)} is an aggregator" for s in aggregators]
        return SourceCount(counted=tuple(counted), weight=weight, not_counted=tuple(left_out), labels=tuple(labels))

    @staticmethod
    def _relays(sources: dict[str, Source]) -> dict[str, list[str]]:
        """Sources that cite another present source -> the labels they relay; a pure cycle keeps its first."""
        if not any(s.cites for s in sources.values()):
            return {}
        cited = {sid: [c for c in s.cites if c in sources and c != sid] for sid, s in sources.items()}
        relays = {sid: targets for sid, targets in cited.items() if targets}
        for sid in sources:  # report order: the first of a cycle becomes its original
            if sid in relays and not _reaches_original(sid, cited, relays):
                del relays[sid]
        return {sid: [_label(sources[c]) for c in targets] for sid, targets in relays.items()}

    def assess(self, reports: Sequence[LocatedReport]) -> Assessment:
        """The status of an incident made of `reports`, with its reason as a sentence."""
        count = self.count_sources(reports)
        has_media = any(r.report.media for r in reports)
        hedges = tuple(dict.fromkeys(h for r in reports for h in r.report.hedges))
        common: dict[str, Any] = dict(independent_sources=count.weight, source_ids=tuple(s.id for s in count.counted),
                                      has_media=has_media, hedges=hedges)
        overrides = [r for r in reports if r.report.override is not None]
        if overrides:
            return Assessment(**self._override(overrides), overridden=True, **common)
        names = ", ".join(count.labels)
        media = "with footage" if has_media else "no footage"
        not_counted = f" Not counted: {'; '.join(count.not_counted)}." if count.not_counted else ""
        if count.weight >= self.min_independent_sources and (has_media or not self.require_media):
            hedged = f" Some reports are hedged ({_quoted(hedges)})." if hedges else ""
            reason = f"Corroborated by {plural(count.weight, 'independent source')} ({names}), {media}.{hedged}"
            return Assessment(status=Status.confirmed, reason=reason + not_counted, **common)
        if count.weight == 0:
            who = ", ".join(_label(s) for s in {r.source.id: r.source for r in reports}.values())
            why = f"hedged ({_quoted(hedges)}) by {who}" if hedges else f"no independent source ({who})"
            why += f", {media}"
            not_counted = ""
        elif count.weight < self.min_independent_sources:
            why = f"single source ({names})" if count.weight == 1 else f"{count.weight} independent sources ({names})"
            why += f", {media}"
            if self.min_independent_sources > 2 or count.weight > 1:
                why += f"; {self.min_independent_sources} needed"
        else:
            why = f"{plural(count.weight, 'independent source')} ({names}) but no footage"
        if hedges and count.weight:
            why += f"; hedged ({_quoted(hedges)})"
        return Assessment(status=Status.unconfirmed, reason=f"Unconfirmed: {why}.{not_counted}", **common)

    @staticmethod
    def _override(overrides: Sequence[LocatedReport]) -> dict[str, Any]:
        latest = max(overrides, key=lambda r: (r.time.start, r.time.end, r.report.id))
        o = latest.report.override
        assert o is not None
        by = f" by {o.by}" if o.by else ""
        reason = f"Analyst override{by}: {o.status.value} — {o.reason.rstrip('.')}."
        if len(overrides) > 1:
            statuses = {r.report.override.status for r in overrides if r.report.override}
            agree = "which disagree" if len(statuses) > 1 else "which agree"
            reason += f" Latest of {len(overrides)} overrides ({latest.report.id}), {agree}."
        return {"status": o.status, "reason": reason}


def _reaches_original(start: str, cited: dict[str, list[str]], relays: dict[str, list[str]]) -> bool:
    """Whether following `cites` from `start` reaches a source that is counted as an original."""
    seen, stack = {start}, list(cited[start])
    while stack:
        sid = stack.pop()
        if sid not in relays:
            return True
        if sid not in seen:
            seen.add(sid)
            stack.extend(cited[sid])
    return False
