"""Map labels at a real city's size: only what fits is labelled, the busiest districts first, and no
two labels' boxes overlap at the smallest plot the page draws."""

from __future__ import annotations

import itertools

import pandas as pd

from benchmarks.datasets import city_districts
from trygghet.present import map_figures as mf


def boxes(fitting: dict[str, str], anchors: dict[str, tuple[float, float]], counts: dict[str, int],
          to_pixels) -> list[tuple[float, float, float, float]]:
    found = []
    for district, kind in fitting.items():
        width, height = mf._label_size(district if kind == "name" else None, str(counts[district]))
        x, y = to_pixels(*anchors[district])
        found.append((x - width / 2, y - height / 2, x + width / 2, y + height / 2))
    return found


def test_labels_never_overlap_and_the_busiest_district_is_named() -> None:
    places = city_districts()
    anchors = {name: ((w + e) / 2, (s + n) / 2) for name, _, (w, s, e, n) in places}
    counts = {name: (i * 37) % 101 for i, name in enumerate(anchors)}
    box = (min(b[0] for _, _, b in places), min(b[1] for _, _, b in places),
           max(b[2] for _, _, b in places), max(b[3] for _, _, b in places))
    to_pixels = mf.axes_pixels(box, mf.WIDE_PLOT_PX)  # the page gives a city the whole width

    fitting = mf.fitting_labels(anchors, counts, to_pixels)

    busiest = max(counts, key=lambda d: (counts[d], d))
    assert fitting[busiest] == "name"
    assert 10 <= sum(kind == "name" for kind in fitting.values()) < len(anchors)
    assert len(fitting) < len(anchors)  # some districts are left to the hover
    for a, b in itertools.combinations(boxes(fitting, anchors, counts, to_pixels), 2):
        assert not mf._overlaps(a, b), (a, b)


def test_two_districts_on_one_spot_get_one_label() -> None:
    anchors = {"Norr": (18.0, 59.3), "Norrby": (18.0, 59.3)}
    fitting = mf.fitting_labels(anchors, {"Norr": 3, "Norrby": 9}, mf.axes_pixels((17.9, 59.2, 18.1, 59.4)))
    assert fitting == {"Norrby": "name"}


def test_the_choropleth_labels_only_what_fits_and_every_district_keeps_its_dot() -> None:
    places = city_districts()
    geometries = {name: {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
                  for name, _, (w, s, e, n) in places}
    counts = pd.DataFrame({"district": list(geometries), "count": [(i * 37) % 101 for i in range(len(places))]})
    fig = mf.choropleth_figure(counts, geometries, plot_px=mf.WIDE_PLOT_PX)
    labels = next(t for t in fig.data if t.name == "Antal")
    assert [d for d, _ in labels.customdata] == list(geometries)  # every district: a dot to hover and click
    templates = list(labels.texttemplate)
    assert templates.count("") > 0 and templates.count(mf._LABEL_TEMPLATE) >= 10
    # A labelled district's dot is hidden under its label; an unlabelled one shows.
    assert [o == 0 for o in labels.marker.opacity] == [t != "" for t in templates]
