"""The map's cell layer: the events per grid cell drawn where the cells lie, with their counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from trygghet.analysis import geo
from trygghet.present import map_figures as mf

GRID = geo.Grid(metres=200, step_lon=0.25, step_lat=0.5)


def cells(rows: list[tuple[str, int, int, int]]) -> geo.Cells:
    return geo.Cells(GRID, pd.DataFrame(rows, columns=["district", "ix", "iy", "count"]))


def test_edges_close_a_gap_in_one_empty_column() -> None:
    edges, column = mf._cell_edges([7, 3, 4, 3])
    assert edges == [3, 4, 5, 7, 8]  # columns 3–4, 4–5, the gap 5–7, and 7–8
    assert column == {3: 0, 4: 1, 7: 3}


def test_each_cell_shows_its_districts_events_added_up_where_it_lies() -> None:
    layer = cells([("Norrby", 48, 116, 2), ("Hamnen", 48, 116, 1_500), ("Norrby", 52, 115, 3)])
    fig = mf.bubble_figure(
        pd.DataFrame({"district": ["Norrby"], "count": [5], "with_coordinates": [5], "color": ["#0072B2"]}),
        pd.DataFrame({"district": ["Norrby"], "lat": [58.0], "lon": [12.5], "points": [5], "color": ["#0072B2"]}),
        layer,
    )
    heat = next(t for t in fig.data if t.type == "heatmap")
    assert list(heat.x) == pytest.approx([48 * 0.25, 49 * 0.25, 52 * 0.25, 53 * 0.25])
    assert list(heat.y) == pytest.approx([115 * 0.5, 116 * 0.5, 117 * 0.5])
    assert [list(r) for r in heat.text] == [["", "", "3"], ["1\xa0502", "", ""]]
    assert heat.z[1][0] == pytest.approx(1_502**0.5) and math.isnan(heat.z[0][1])  # NaN: no cell
    # The map frames the cells as well as the bubbles.
    x0, x1 = fig.layout.xaxis.range
    assert x0 < 48 * 0.25 and x1 > 53 * 0.25
    assert mf.cell_bounds(layer) == pytest.approx((12.0, 57.5, 13.25, 58.5))
    assert mf.cell_bounds(None) is None


def test_no_cells_no_layer() -> None:
    counts = pd.DataFrame({"district": ["Norrby"], "count": [0], "with_coordinates": [0], "color": ["#0072B2"]})
    centres = pd.DataFrame({"district": ["Norrby"], "lat": [58.0], "lon": [12.5], "points": [1], "color": ["#0072B2"]})
    fig = mf.bubble_figure(counts, centres, cells([]))
    assert [t.type for t in fig.data] == ["scatter"]
