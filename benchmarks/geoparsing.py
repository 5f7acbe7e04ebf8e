"""Benchmark place resolution on public geoparsing corpora (GeoVirus, LGL, TR-News, GeoWebNews).

    python -m benchmarks.geoparsing /work/shared/benchmarks/geoparsing/ [--joint] [--limit N] [--country CC]
                                    [--json OUT]

Every gold toponym's surface text goes through `PlaceResolver.resolve` with no context (none of these corpora
states a document-level country; `--country` applies one code to every toponym instead), or with `--joint` the
toponyms of each article go together through `incidents.geocode.document.resolve_document` (only their texts: the
gold points are read after the choice, to score it), and the resolved point is scored against the gold point (see benchmarks.geoparsing_scores for the conventions: unresolved toponyms are misses
for accuracy@161 and AUC). Each corpus gets a fresh resolver, so a name repeated within a corpus is served from the
resolver's memo, as in a real run; resolutions per second include those hits.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

import orjson
from tqdm import tqdm

from incidents.atomic import write_atomic
from incidents.errors import GeocodeError, IncidentMapError, InputError
from incidents.geocode import PlaceResolver
from incidents.geocode.document import resolve_document
from incidents.models import Geocode, GeoContext

from .geoparsing_corpora import Corpus, GoldToponym, load_corpora
from .geoparsing_scores import Outcome, Scores, haversine_km, score

__all__ = ["resolve_toponyms", "run", "format_table", "main"]

PROGRESS_FROM = 500  # corpora with at least this many toponyms get a progress bar (on a terminal)


def resolve_toponyms(
    toponyms: Sequence[GoldToponym], resolver: PlaceResolver, context: GeoContext, *, label: str = ""
) -> tuple[list[Outcome], float]:
    """Each toponym resolved and compared with its gold point, and the seconds spent in `resolve`."""
    outcomes: list[Outcome] = []
    spent = 0.0
    bar = tqdm(toponyms, desc=label, unit="toponym", file=sys.stderr, leave=False,
               disable=True if len(toponyms) < PROGRESS_FROM else None)  # fmt: skip
    for toponym in bar:
        start = time.perf_counter()
        try:
            geocode = resolver.resolve(toponym.text, context)
        except GeocodeError:
            spent += time.perf_counter() - start
            outcomes.append(Outcome(None, None))
            continue
        spent += time.perf_counter() - start
        outcomes.append(_outcome(toponym, geocode))
    return outcomes, spent


def resolve_jointly(
    toponyms: Sequence[GoldToponym], resolver: PlaceResolver, context: GeoContext, *, label: str = ""
) -> tuple[list[Outcome], float]:
    """The toponyms of each article resolved together (texts only), then compared with their gold points."""
    by_doc: dict[str, list[int]] = {}
    for i, toponym in enumerate(toponyms):
        by_doc.setdefault(toponym.doc_id, []).append(i)
    outcomes: list[Outcome | None] = [None] * len(toponyms)
    spent = 0.0
    bar = tqdm(by_doc.values(), desc=label, unit="article", file=sys.stderr, leave=False,
               disable=True if len(toponyms) < PROGRESS_FROM else None)  # fmt: skip
    for members in bar:
        texts = [toponyms[i].text for i in members]
        start = time.perf_counter()
        results = resolve_document(texts, context, resolver)
        spent += time.perf_counter() - start
        for i, result in zip(members, results, strict=True):
            outcomes[i] = _outcome(toponyms[i], result if isinstance(result, Geocode) else None)
    return [o for o in outcomes if o is not None], spent


def _outcome(toponym: GoldToponym, geocode: Geocode | None) -> Outcome:
    if geocode is None:
        return Outcome(None, None)
    return Outcome(haversine_km(toponym.lat, toponym.lon, geocode.lat, geocode.lon), geocode.radius_m / 1000.0)


def run(
    corpora: Sequence[Corpus],
    *,
    context: GeoContext | None = None,
    limit: int | None = None,
    resolver_factory: Callable[[], PlaceResolver] = PlaceResolver,
    joint: bool = False,
) -> dict[str, Scores]:
    """Scores per corpus (keyed by name, in the order given) and over all of them under 'total'."""
    context = context or GeoContext()
    _warm_up(resolver_factory())
    results: dict[str, Scores] = {}
    pooled: list[Outcome] = []
    pooled_seconds = 0.0
    for corpus in corpora:
        toponyms = corpus.toponyms[:limit] if limit is not None else corpus.toponyms
        resolve = resolve_jointly if joint else resolve_toponyms
        outcomes, seconds = resolve(toponyms, resolver_factory(), context, label=corpus.name)
        results[corpus.name] = score(outcomes, seconds)
        pooled.extend(outcomes)
        pooled_seconds += seconds
    results["total"] = score(pooled, pooled_seconds)
    return results


def _warm_up(resolver: PlaceResolver) -> None:
    """Load the gazetteer and GeoNames index once so that no corpus's timing pays for it."""
    try:
        resolver.resolve("Paris", GeoContext())
    except GeocodeError:
        pass


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def format_table(results: dict[str, Scores], skipped: dict[str, int]) -> str:
    """A fixed-width text table, one row per corpus and a total row."""
    header = ("corpus", "toponyms", "no coords", "coverage", "acc@161", "median km", "mean km", "AUC", "in radius",
              "res/s")  # fmt: skip
    rows = [header]
    skipped = {**skipped, "total": sum(skipped.values())}
    for name, s in results.items():
        rows.append((
            name, f"{s.toponyms:,}", f"{skipped.get(name, 0):,}", _pct(s.coverage), _pct(s.accuracy_161),
            _num(s.median_km, 1), _num(s.mean_km), _num(s.auc, 3), _pct(s.in_radius), _num(s.per_second),
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.geoparsing",
        description="Resolve every gold toponym of GeoVirus / LGL / TR-News / GWN corpora and score the points.",
        epilog="accuracy@161 and AUC count unresolved toponyms as misses; median/mean km and 'in radius' are over "
        "resolved toponyms only.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a corpus XML file, or a folder of them")
    parser.add_argument("--joint", action="store_true", help="resolve the toponyms of each article together")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N gold toponyms of each corpus")
    parser.add_argument("--country", metavar="CC", help="ISO country code given as context to every toponym")
    parser.add_argument("--json", metavar="OUT", help="also write the scores to this JSON file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; a bad path, corpus or option is one line on stderr and exit status 2."""
    args = _parser().parse_args(argv)
    try:
        if args.limit is not None and args.limit < 1:
            raise InputError("--limit must be at least 1")
        try:
            context = GeoContext(country=args.country)
        except ValueError as exc:
            raise InputError("--country must be an ISO 3166-1 alpha-2 code such as US") from exc
        corpora = load_corpora(args.paths)
        started = time.perf_counter()
        results = run(corpora, context=context, limit=args.limit, joint=args.joint)
        wall = time.perf_counter() - started
        print(format_table(results, {c.name: c.skipped for c in corpora}))
        mode = "joint (per article)" if args.joint else "each toponym on its own"
        print(f"mode: {mode}; context: {args.country or 'none'}; limit: {args.limit or 'none'}; wall time {wall:.1f} s")
        if args.json:
            payload = {
                "context": {"country": args.country},
                "joint": args.joint,
                "limit": args.limit,
                "corpora": {
                    c.name: {"format": c.fmt, "gold_toponyms": len(c.toponyms), "skipped": c.skipped} for c in corpora
                },
                "scores": {name: s.as_dict() for name, s in results.items()},
            }
            write_atomic(args.json, orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
    except InputError as exc:
        print(f"geoparsing: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except IncidentMapError as exc:
        print(f"geoparsing: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
