"""The static PNG for reports: every label has a leader line to its marker, the key gives times and the place as the
report named it, and the zone is written once, as on the HTML map."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from maps.static_png import _draw_incidents, _draw_order, _key  # noqa: E402


def test_labels_have_leader_lines_and_the_key_has_times_and_places(seed_mapped):
    incidents = seed_mapped.incidents
    fig = plt.figure(figsize=(8, 6))
    try:
        ax = fig.add_axes((0, 0, 1, 1))
        px = np.array([i.geocode.lon for i in incidents]) * 1e5
        py = np.array([i.geocode.lat for i in incidents]) * 1e5
        _draw_incidents(ax, incidents, [[] for _ in incidents], px, py, cell=1e9)  # one cell: all stacked
        labels = [t for t in ax.texts if t.get_text().isdigit() and t.arrow_patch is not None]
        assert sorted(int(t.get_text()) for t in labels) == list(range(1, len(incidents) + 1))
        assert len({t.get_position() for t in labels}) == len(labels)  # stacked labels fan out
        _key(fig, seed_mapped)
        text = "\n".join(t.get_text() for t in fig.texts)
    finally:
        plt.close(fig)
    assert text.count("UTC\u22124, America/Caracas") == 1  # once, in the status line
    gunfire = next(n for n, i in enumerate(incidents, start=1) if i.event_type == "gunfire")
    line = next(row for row in text.splitlines() if row.startswith(f"{gunfire}. "))
    assert "“near the presidential palace”" in line and "6 Jan 2026 00:00–03:00" in line
    assert "reports 5 Jan 2026 21:00 – 7 Jan 2026 00:00" in line


def test_confirmed_incidents_are_drawn_last(seed_mapped):
    order = _draw_order(seed_mapped.incidents)
    solid = [seed_mapped.incidents[n].assessment.status.value == "confirmed" for n in order]
    assert solid == sorted(solid)
