"""The status policy: when reports of one incident count as confirmed, and the sentence that says why.

Rules (each a field of StatusPolicy, so a team can write its own policy file):
- Sources are counted once, however many reports they made.
- A source that `cites` another source of the same incident only relays it: it is not counted.
- Aggregators (kind `aggregator`, or ids/handles listed in `aggregators`) may all be reposting the same footage,
  so together they count as one source.
- A source whose every report in the incident is hedged ("allegedly", "reportedly") is not counted
  unless `count_hedged` is set.
- Confirmed needs `min_independent_sources` counted sources and, if `require_media`, a photo or video link.
- An analyst's override always wins and is shown as such; of several, the latest report's override wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError
from .models import Assessment, LocatedReport, Source, SourceKind, Status

__all__ = ["StatusPolicy"]


def _label(source: Source) -> str:
    return source.handle or source.name


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class StatusPolicy(BaseModel):
    """Decides confirmed vs unconfirmed from independent sources, media and hedges."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_independent_sources: int = Field(default=2, ge=1)
    require_media: bool = True
    count_hedged: bool = False
    aggregators: tuple[str, ...] = Field(default=(), description="source ids or handles that only repost others")

    @classmethod
    def from_file(cls, path: str | Path) -> StatusPolicy:
        """A policy from a YAML file with any of the fields above."""
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read policy: {exc}", path=str(path)) from exc
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise InputError(err["msg"], path=str(path), record="policy", field=field) from exc

    def is_aggregator(self, source: Source) -> bool:
        """Whether the source only reposts what others filmed or wrote."""
        return source.kind is SourceKind.aggregator or source.id in self.aggregators or (
            source.handle is not None and source.handle in self.aggregators
        )

    def counted_sources(self, reports: Sequence[LocatedReport]) -> tuple[list[Source], list[Source], list[Source]]:
        """(counted originals, aggregators, sources left out as relays or hedged-only)."""
        sources: dict[str, Source] = {}
        hedged_only: dict[str, bool] = {}
        for r in reports:
            sources.setdefault(r.source.id, r.source)
            hedged_only[r.source.id] = hedged_only.get(r.source.id, True) and bool(r.report.hedges)
        originals, aggregators, left_out = [], [], []
        for source in sources.values():
            relays = any(c in sources for c in source.cites)
            if relays or (hedged_only[source.id] and not self.count_hedged):
                left_out.append(source)
            elif self.is_aggregator(source):
                aggregators.append(source)
            else:
                originals.append(source)
        return originals, aggregators, left_out

    def assess(self, reports: Sequence[LocatedReport]) -> Assessment:
        """The status of an incident made of `reports`, with its reason as a sentence."""
        originals, aggregators, left_out = self.counted_sources(reports)
        independent = len(originals) + (1 if aggregators else 0)
        has_media = any(r.report.media for r in reports)
        hedges = tuple(dict.fromkeys(h for r in reports for h in r.report.hedges))
        counted = [*originals, *aggregators]
        common = dict(
            independent_sources=independent, source_ids=tuple(s.id for s in counted), has_media=has_media, hedges=hedges
        )
        overrides = [r for r in reports if r.report.override is not None]
        if overrides:
            latest = max(overrides, key=lambda r: (r.time.start, r.report.id))
            o = latest.report.override
            assert o is not None
            by = f" by {o.by}" if o.by else ""
            extra = f" (latest of {len(overrides)} overrides)" if len(overrides) > 1 else ""
            reason = f"Analyst override{by}: {o.status.value} — {o.reason.rstrip('.')}{extra}."
            return Assessment(status=o.status, reason=reason, overridden=True, **common)
        names = ", ".join(_label(s) for s in originals)
        if aggregators:
            agg = "/".join(_label(s) for s in aggregators)
            agg += " (aggregators, counted once)" if len(aggregators) > 1 else " (aggregator)"
            names = f"{names}, {agg}" if names else agg
        media = "with footage or photos" if has_media else "no footage or photos"
        notes = self._left_out_note(left_out, reports)
        enough = independent >= self.min_independent_sources and (has_media or not self.require_media)
        if enough:
            reason = f"Corroborated by {_plural(independent, 'independent source')} ({names}), {media}.{notes}"
            return Assessment(status=Status.confirmed, reason=reason, **common)
        if independent == 0:
            why = "only hedged or relayed reports"
        elif independent < self.min_independent_sources:
            why = f"single source ({names})" if independent == 1 else f"{independent} independent sources ({names})"
            why += f", {media}"
        else:
            why = f"{_plural(independent, 'independent source')} ({names}) but no footage or photos"
        if hedges:
            why += f"; hedged ({', '.join(repr(h) for h in hedges)})"
        return Assessment(status=Status.unconfirmed, reason=f"Unconfirmed: {why}.{notes}", **common)

    @staticmethod
    def _left_out_note(left_out: list[Source], reports: Sequence[LocatedReport]) -> str:
        if not left_out:
            return ""
        present = {r.source.id for r in reports}
        parts = []
        for s in left_out:
            relayed = [c for c in s.cites if c in present]
            parts.append(f"{_label(s)} relays others" if relayed else f"{_label(s)} is hedged")
        return " Not counted: " + "; ".join(parts) + "."
