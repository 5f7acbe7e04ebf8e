"""Build a draft incident file from an article: reports from located statements and posts, notes for the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError

from ..errors import InputError
from ..geocode import PlaceResolver, default_resolver
from ..geocode.timezones import zone_of_context
from ..loader import DATE_YEARS, date_in_range
from ..models import EventFile, Note, PlaceRole, Precision, Report, Source, SourceKind, Span, When
from ..taxonomy import event_type_info
from .clauses import clause_at, event_clauses
from .cues import find_event_types, find_hedges, leading_hedges
from .joint import jointly
from .language import detect_language
from .places import PlaceMention, find_places, infer_context
from .quotes import quoted_source, slug
from .segments import Post, Segment, split_article, strip_prefix
from .when import find_when

__all__ = ["draft_event", "draft_yaml", "ARTICLE_SOURCE"]

ARTICLE_SOURCE = "article"
_NOTE_LIMIT = 20_000  # Note.text's limit; the span keeps the whole text


@cache
def _language(text: str) -> str:
    return detect_language(text)


def _hedges_in(segment: Segment, start: int, end: int) -> list[str]:
    return find_hedges(segment.text[start - segment.start : end - segment.start], _language(segment.text))


def _sentence_hedges(segment: Segment, clause: tuple[int, int]) -> list[str]:
    """A hedge opening the post or sentence, then every hedge of the sentence clause: what a claim that names no
    place of its own carries, as every claim did before event clauses existed."""
    return list(dict.fromkeys([*leading_hedges(segment.text, _language(segment.text)), *_hedges_in(segment, *clause)]))


def _leading_in(segment: Segment, clause: tuple[int, int]) -> list[str]:
    return leading_hedges(segment.text[clause[0] - segment.start : clause[1] - segment.start], _language(segment.text))


def _own_claim_hedges(segment: Segment, clause: tuple[int, int], own: tuple[int, int]) -> list[str]:
    """Hedges of the event clause `own` that makes a claim with its own place, plus one that opens the whole sentence
    or post ("Unconfirmed:", "According to circulating reports, ...") or the sentence clause holding the claim;
    "X happened; separately, Y allegedly happened" and "X happened, and Y reportedly happened" hedge Y only."""
    opening = leading_hedges(segment.text, _language(segment.text))
    if own[0] > clause[0]:  # a later event in its sentence clause: an opening hedge there covers it too
        opening += _leading_in(segment, clause)
    return list(dict.fromkeys([*opening, *_hedges_in(segment, *own)]))


@dataclass(frozen=True)
class _Claim:
    """One event cue of a segment: its type, offsets, event clause, sentence clause and place."""

    term: str
    at: int
    cue_end: int
    own: tuple[int, int]
    clause: tuple[int, int]
    place: PlaceMention
    owns_place: bool  # the place stands in the event clause itself


def _claim_hedges(segment: Segment, claim: _Claim, claims: list[_Claim]) -> list[str]:
    """The hedges of one claim; when in doubt a claim keeps a hedge (an unhedged report corroborates).

    A claim without a place of its own is no independent claim: it takes every hedge of its sentence clause, and its
    own hedges also cover the claims whose place it borrows ("Gunfire, allegedly, and explosions near Petare"). A
    hedge set off by a comma after the last event and place of the sentence clause ("..., residents claimed")
    covers every claim there.
    """
    if not claim.owns_place:
        return _sentence_hedges(segment, claim.clause)
    same = [c for c in claims if c.clause == claim.clause]
    last = max(max(c.place.end, c.cue_end) for c in same if c.owns_place)
    comma = segment.text.find(",", last - segment.start, claim.clause[1] - segment.start)
    trailing = _hedges_in(segment, segment.start + comma, claim.clause[1]) if comma >= 0 else []
    lent = [h for c in same if not c.owns_place and c.place == claim.place for h in _hedges_in(segment, *c.own)]
    return list(dict.fromkeys([*_own_claim_hedges(segment, claim.clause, claim.own), *trailing, *lent]))


def _claim_when(segment: Segment, claim: _Claim, day: date) -> When | None:
    """The time the claim's own clause names, else its sentence clause's ("Gunfire on Monday night near X; on
    Tuesday morning, protests in Y": each its own)."""
    for a, b in (claim.own, claim.clause):
        found = find_when(segment.text[a - segment.start : b - segment.start], day)
        if found is not None:
            return found
    return None


def place_reason(place: PlaceMention, own: bool) -> str:
    """Why a report's place is where it is, in one line: what the text says, how it was read, what it matched."""
    geocode = place.geocode
    entry = geocode.entry
    matched = f"{entry.name} ({entry.source} {entry.id})" if entry else "no gazetteer entry"
    parts = [
        f"'{place.text}' {'in the claim itself' if own else 'named elsewhere in the sentence or post'}",
        place.reason,
        f"matched {matched}, {geocode.precision.value}, radius {geocode.radius_m:,.0f} m",
        geocode.reason or "",
    ]
    return "; ".join(p for p in parts if p)[:2000]


def _closest(mentions: list[PlaceMention]) -> PlaceMention:
    """Places a gazetteer knows before names drawn over their city, then qualifier-led phrases, then precision,
    then the first named."""
    return min(mentions, key=lambda m: (m.fallback, m.geocode.qualifier is None, m.rank, m.geocode.radius_m, m.start))


def _best_place(
    mentions: list[PlaceMention], own: tuple[int, int], clause: tuple[int, int]
) -> tuple[PlaceMention, bool] | None:
    """The place for a cue, and whether it is the cue's own: in its event clause `own`, else in its sentence clause,
    else a later sentence clause ("Explosions heard. Location: Caracas"), never an earlier claim's."""
    usable = [m for m in mentions if m.geocode.precision is not Precision.country]
    mine = [m for m in usable if own[0] <= m.start <= own[1]]
    if mine:
        return _closest(mine), True
    near = [m for m in usable if clause[0] <= m.start <= clause[1]] or [m for m in usable if m.start > clause[1]]
    return (_closest(near), False) if near else None


def _sources(posts: list[Post], label: str) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for post in posts:
        if post.handle:
            sid = slug(post.handle)
            sources.setdefault(
                sid,
                Source(
                    id=sid,
                    name=post.name or f"@{post.handle}",
                    handle=f"@{post.handle}",
                    kind=SourceKind.social,
                    url=f"https://x.com/{post.handle}",
                ),
            )
        else:
            sources.setdefault(
                "unattributed", Source(id="unattributed", name="Unattributed embedded post", kind=SourceKind.social)
            )
    # The publisher embeds the posts, so it relays them rather than corroborating them.
    sources[ARTICLE_SOURCE] = Source(id=ARTICLE_SOURCE, name=label, kind=SourceKind.media, cites=sorted(sources))
    return sources


def draft_event(
    text: str,
    *,
    source_path: str | None = None,
    article_date: date | None = None,
    tz: str | None = None,
    resolver: PlaceResolver | None = None,
) -> EventFile:
    """A draft EventFile from article text; every report keeps the exact span it came from."""
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise InputError(
                f"unknown time zone {tz[:60]!r}; use an IANA name such as America/Caracas", field="--tz"
            ) from exc
    if not date_in_range(article_date):
        raise InputError(f"date {article_date} is outside the years {DATE_YEARS[0]}-{DATE_YEARS[1]}", field="--date")
    try:
        return _draft(text, source_path, article_date, tz, resolver or default_resolver())
    except ValidationError as exc:  # a last guard: the draft must never be a traceback
        err = exc.errors(include_url=False)[0]
        raise InputError(
            f"cannot draft an incident file: {err['msg'][:200]}", field=".".join(str(p) for p in err["loc"]) or None
        ) from exc


def _draft(
    text: str, source_path: str | None, article_date: date | None, tz: str | None, resolver: PlaceResolver
) -> EventFile:
    headline, statements, posts = split_article(text)
    if headline is None:
        raise InputError("the article is empty", field="text")
    dates = [p.posted for p in posts if p.posted]
    reference = article_date or (max(dates) if dates else None)
    if reference is None:
        raise InputError("no date in the article: give the dateline with --date YYYY-MM-DD", field="--date")
    context = infer_context([headline.text, *(s.text for s in statements), *(p.text for p in posts)], resolver)
    zone_note = ""
    if tz is None:
        tz = zone_of_context(context, resolver)  # from the city's or the capital's coordinates
        if tz is None:
            tz, zone_note = "UTC", " No time zone was given or inferred: times are in UTC; pass --tz."
    name = Path(source_path).name if source_path else "article"
    sources = _sources(posts, f"Article {name}")
    reports: list[Report] = []
    notes: list[Note] = []
    used_ids: set[str] = set()
    segments: list[Segment] = sorted([*statements, *posts], key=lambda s: s.start)
    places = jointly(
        {s.start: find_places(s.text, resolver, context, offset=s.start, code=_language(s.text)) for s in segments},
        context,
        resolver,
    )
    for segment in segments:
        post = segment if isinstance(segment, Post) else None
        source_id = (slug(post.handle) if post.handle else "unattributed") if post else ARTICLE_SOURCE
        code = _language(segment.text)
        quoted = None if post else quoted_source(segment.text, code)
        hedges = find_hedges(segment.text, code)
        day = post.posted if post and post.posted else reference
        when = find_when(segment.text, day) or When(start=day)
        mentions = places[segment.start]
        made = 0
        cues = find_event_types(segment.text, code)
        own_clauses = event_clauses(segment, [(segment.start + a, segment.start + b) for _, a, b in cues])
        claims: list[_Claim] = []
        for (term, cue_start, cue_end), own in zip(cues, own_clauses, strict=True):
            clause = clause_at(segment, segment.start + cue_start) or (segment.start, segment.end)
            found = _best_place(mentions, own, clause)
            if found is not None:
                claims.append(_Claim(term, segment.start + cue_start, segment.start + cue_end, own, clause, *found))
        if claims and quoted is not None:  # a witness or journalist the publisher quotes: a source of its own
            source_id = quoted.id
            if source_id not in sources:
                sources[source_id] = quoted
                relay = sources.pop(ARTICLE_SOURCE)
                sources[ARTICLE_SOURCE] = relay.model_copy(update={"cites": sorted({*relay.cites, source_id})})
        for claim in claims:
            term, place = claim.term, claim.place
            claim_hedges = _claim_hedges(segment, claim, claims)
            rid = f"{source_id}-{term.replace('_', '-')}"
            n = 2
            while rid in used_ids:
                rid, n = f"{source_id}-{term.replace('_', '-')}-{n}", n + 1
            used_ids.add(rid)
            who = sources[source_id].handle or sources[source_id].name
            label = event_type_info(term).label.lower().replace(" / ", " or ")
            summary = (
                f"{who} reports {label} {place.text}" + (f" ({', '.join(claim_hedges)})" if claim_hedges else "") + "."
            )
            pinned = place.geocode if place.pinned else None
            reports.append(
                Report(
                    id=rid,
                    event_type=term,
                    where=place.lookup,
                    place_role=place.geocode.role,
                    lat=pinned.lat if pinned else None,
                    lon=pinned.lon if pinned else None,
                    radius_m=pinned.radius_m if pinned else None,
                    precision=pinned.precision if pinned else None,
                    when=_claim_when(segment, claim, day) or when,
                    source=source_id,
                    url=sources[source_id].url if post else None,
                    media=list(post.media) if post else [],
                    summary=summary,
                    hedges=claim_hedges,
                    span=Span(start=segment.start, end=segment.end, text=segment.text),
                    place_reason=place_reason(claim.place, claim.owns_place),
                )
            )
            made += 1
        if not made:
            note_text = (strip_prefix(segment.text) or segment.text)[:_NOTE_LIMIT]
            notes.append(
                Note(
                    id=f"note-{len(notes) + 1}",
                    text=note_text,
                    source=source_id,
                    hedges=hedges,
                    span=Span(start=segment.start, end=segment.end, text=segment.text),
                )
            )
    return EventFile(
        title=headline.text[:300],
        description=(
            f"Draft made by incident-map extract from {name}: review every report, place and hedge before"
            f" publishing.{zone_note}"
        ),
        timezone=tz,
        reference_date=reference,
        context=context,
        sources=list(sources.values()),
        reports=reports,
        notes=notes,
    )


def draft_yaml(event: EventFile) -> str:
    """The draft as deterministic YAML that `render` accepts unchanged."""
    data = event.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    for report in data.get("reports", []):
        if report.get("place_role") == PlaceRole.location.value:
            del report["place_role"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
