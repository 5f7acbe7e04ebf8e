"""Scores for toponym resolution against gold points: accuracy@161 km, error km, AUC, radius honesty, coverage.

Conventions (the usual ones from Gritta et al., "A Pragmatic Guide to Geoparsing Evaluation", where they apply):
- accuracy@161 and AUC are over every gold toponym; an unresolved toponym is a miss, and for AUC its error is the
  maximum, half the Earth's circumference (20,039 km).
- median and mean error, and the share of gold points inside our radius, are over resolved toponyms only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["Outcome", "Scores", "haversine_km", "score", "ACCURACY_KM", "MAX_ERROR_KM"]

ACCURACY_KM = 161.0  # 100 miles, the customary threshold
MAX_ERROR_KM = 20_039.0  # half the Earth's circumference: the worst possible error
EARTH_RADIUS_KM = 6_371.0088


class Outcome(NamedTuple):
    """What happened to one gold toponym: the error and our radius in km, both None when unresolved."""

    error_km: float | None
    radius_km: float | None


@dataclass(frozen=True)
class Scores:
    """One corpus's (or the total's) figures; shares are 0–1, distances km, AUC 0 (perfect) to 1 (all misses)."""

    toponyms: int
    resolved: int
    coverage: float | None
    accuracy_161: float | None
    median_km: float | None
    mean_km: float | None
    auc: float | None
    in_radius: float | None
    seconds: float
    per_second: float | None

    def as_dict(self, digits: int = 4) -> dict[str, float | int | None]:
        """The scores with floats rounded, for JSON."""
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in asdict(self).items()}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def _auc(errors_km: np.ndarray) -> float:
    """Area under the sorted, normalised log-error curve: ln(1+e)/ln(1+MAX) integrated over the share of toponyms."""
    y = np.sort(np.log1p(np.clip(errors_km, 0.0, MAX_ERROR_KM)) / math.log1p(MAX_ERROR_KM))
    if len(y) == 1:
        return float(y[0])
    return float(np.trapezoid(y, dx=1.0 / (len(y) - 1)))


def score(outcomes: Sequence[Outcome], seconds: float = 0.0) -> Scores:
    """The figures for these outcomes; `seconds` is the time spent resolving them (for resolutions per second)."""
    n = len(outcomes)
    found = [o for o in outcomes if o.error_km is not None]
    errors = np.array([o.error_km for o in found], dtype=float)
    radii = np.array([o.radius_km for o in found], dtype=float)
    all_errors = np.concatenate([errors, np.full(n - len(found), MAX_ERROR_KM)])
    return Scores(
        toponyms=n,
        resolved=len(found),
        coverage=len(found) / n if n else None,
        accuracy_161=float((errors <= ACCURACY_KM).sum()) / n if n else None,
        median_km=float(np.median(errors)) if found else None,
        mean_km=float(errors.mean()) if found else None,
        auc=_auc(all_errors) if n else None,
        in_radius=float((errors <= radii).mean()) if found else None,
        seconds=seconds,
        per_second=n / seconds if n and seconds > 0 else None,
    )
