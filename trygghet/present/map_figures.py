"""The map's figures: districts as coloured areas or bubbles, events per grid cell and the scale.

The figures are plain plotly cartesian traces on lon/lat axes, because plotly's geo base maps
fetch topojson from a CDN and the meeting room may have no internet at all. Only when an
administrator has configured a tile server (TRYGGHET_MAP_TILES) is a tiled map drawn instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from trygghet.analysis import geo
from trygghet.core import config
from trygghet.core.formatting import fmt_int
from trygghet.present import chart_style

COLORSCALE = "Blues"  # sequential and colour-blind safe; darker = more
# Mid greys, half transparent where they fill, read on the light and the dark theme alike.
OUTSIDE_FILL = "rgba(128, 128, 128, 0.22)"  # districts outside the sidebar's choice: context, not data
OUTLINE = "#1F2D3D"
POINT_COLOR = "#808080"
SCALE_COLOR = "#808080"
# The themes' text colours (.streamlit/config.toml): a label on the map reads like the page's text.
LABEL_ON_LIGHT = "#111111"
LABEL_ON_DARK = "#F5F5F5"
MAX_BUBBLE_PX = 75
LABEL_PX = 17  # the labels' type size
# Label sizes are estimated, not measured: an em per character wider than any run of this app's sans
# serif (bold for the name), a line of 1.3 em and a gap around, so that labels kept apart here are apart
# on the screen too.
_CHAR_EM = {"name": 0.68, "count": 0.62}
_LINE_EM = 1.3
_LABEL_GAP_PX = 8
# The smallest plot the Karta page draws (its map column at 1280 px with the sidebar open, the chart's
# fixed height less its margins). On a wider screen the map only grows, and labels only move apart.
MIN_PLOT_PX = (320.0, 600.0)
# The same when the map has the page's whole width (a city of many districts, pages/karta.py).
WIDE_PLOT_PX = (600.0, 600.0)
# The click target of a district: a dot at its label point, since a filled outline takes no click.
_DOT = {"size": 9, "color": "rgba(128, 128, 128, 0.55)", "line": {"width": 1, "color": "#FFFFFF"}}


def tile_url() -> str | None:
    """The configured tile URL template ({z}/{x}/{y}), or None: then no request ever leaves the machine."""
    return config.map_tiles().url


# ---------------------------------------------------------------- helpers


def _rgb(color: str) -> tuple[int, int, int]:
    if color.startswith("#"):
        return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
    r, g, b = (int(float(v)) for v in color[color.index("(") + 1:color.index(")")].split(",")[:3])
    return r, g, b


def _text_on(fill: str) -> str:
    """Black or white text, whichever reads better on the fill (WCAG relative luminance)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(fill)
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#111111" if luminance > 0.22 else "#FFFFFF"


def _fills(values: Sequence[float], high: float) -> list[str]:
    if high <= 0:
        return sample_colorscale(COLORSCALE, [0.0] * len(values))
    return sample_colorscale(COLORSCALE, [min(1.0, max(0.0, v / high)) for v in values])


def _outline_xy(geometry: Mapping[str, object]) -> tuple[list[float | None], list[float | None]]:
    """All rings of a (Multi)Polygon as one path, rings separated by None so each fills on its own."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in geo.polygons_of(dict(geometry)):
        for ring in polygon:
            if xs:
                xs.append(None)
                ys.append(None)
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
    return xs, ys


def _nice_distance(km: float) -> float:
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500):
        if step * 2 > km:
            return step
    return 1000.0


def _km_label(km: float) -> str:
    return f"{int(km * 1000)} m" if km < 1 else f"{fmt_int(km)} km"


def _padded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float, float]:
    """The axes' ranges around the data (x0, y0, x1, y1) and the bottom padding, where the scale bar goes."""
    x0, y0, x1, y1 = box
    # Pad at least about 1 km, so a single district is not drawn edge to edge.
    pad_x = max((x1 - x0) * 0.08, 0.015)
    pad_y = max((y1 - y0) * 0.08, 0.009)
    return x0 - pad_x, y0 - pad_y * 1.6, x1 + pad_x, y1 + pad_y, pad_y


def _frame_axes(fig: go.Figure, box: tuple[float, float, float, float]) -> None:
    """Lon/lat axes without clutter, with the aspect a local map needs, and a scale bar."""
    x0, y0, x1, y1, pad_y = _padded(box)
    lat0 = (y0 + y1) / 2
    k = math.cos(math.radians(lat0))
    width_km = (x1 - x0) * 111.32 * k
    km = _nice_distance(width_km / 5)
    bar_x0 = x0 + (x1 - x0) * 0.03
    bar_x1 = bar_x0 + km / (111.32 * k)
    bar_y = y0 + pad_y * 0.5
    # One update instead of five: each of Plotly's update and add calls runs its checks anew.
    fig.update_layout(
        xaxis={"visible": False, "showgrid": False, "zeroline": False, "range": [x0, x1], "fixedrange": False},
        # One degree of latitude is 1/cos(lat) times longer on the ground than one of longitude.
        yaxis={"visible": False, "showgrid": False, "zeroline": False, "range": [y0, y1], "scaleanchor": "x",
               "scaleratio": 1 / k},
        shapes=[{"type": "line", "xref": "x", "yref": "y", "x0": bar_x0, "x1": bar_x1, "y0": bar_y, "y1": bar_y,
                 "line": {"color": SCALE_COLOR, "width": 4}}],
        annotations=[{"xref": "x", "yref": "y", "x": (bar_x0 + bar_x1) / 2, "y": bar_y, "text": _km_label(km),
                      "showarrow": False, "yshift": 16, "font": {"size": 16}}],
        # Transparent, with no font colour of our own: the map takes the theme's background and text
        # colour, so it is no white box on the dark theme.
        plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)", showlegend=False, dragmode="pan",
        hovermode="closest",
    )


# Grey cells, fainter the fewer events: they read on both themes and leave the districts' colours alone.
CELL_COLORSCALE = [[0.0, "rgba(128, 128, 128, 0.15)"], [1.0, "rgba(128, 128, 128, 0.8)"]]


def _cell_edges(indices: Sequence[int]) -> tuple[list[int], dict[int, int]]:
    """The column edges (in cells) along one axis, and each occupied cell's column. A run of empty cells
    between two occupied ones becomes one empty column, so that a stray position far away does not
    make a grid of millions of empty cells."""
    edges: list[int] = []
    column: dict[int, int] = {}
    for i in sorted(set(indices)):
        if edges and edges[-1] != i:
            edges.append(i)  # the gap: one column from the previous cell's edge to this one
        elif not edges:
            edges.append(i)
        column[i] = len(edges) - 1
        edges.append(i + 1)
    return edges, column


def cell_bounds(cells: geo.Cells | None) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of the occupied cells' outer edges."""
    if cells is None or cells.frame.empty:
        return None
    grid = cells.grid
    # Each district's cells are within the box of all of them.
    return (int(cells.frame["ix"].min()) * grid.step_lon, int(cells.frame["iy"].min()) * grid.step_lat,
            (int(cells.frame["ix"].max()) + 1) * grid.step_lon, (int(cells.frame["iy"].max()) + 1) * grid.step_lat)


def _cells_trace(cells: geo.Cells | None) -> go.Heatmap | None:
    """Events per grid cell as one image-like layer: a few hundred cells draw in the time a few dozen
    SVG points take, and every event counts, not a sample. Darker is more (by the square root, so that
    the many cells of one or two events still show); the hover gives each cell's count."""
    if cells is None or cells.frame.empty:
        return None
    grid, frame = cells.grid, cells.per_cell()
    x_edges, column = _cell_edges(frame["ix"].tolist())
    y_edges, row = _cell_edges(frame["iy"].tolist())
    # numpy arrays, which plotly takes whole; nested lists it would check cell by cell. NaN is no cell.
    z = np.full((len(y_edges) - 1, len(x_edges) - 1), np.nan)
    text = np.full(z.shape, "", dtype=object)
    for ix, iy, n in zip(frame["ix"].tolist(), frame["iy"].tolist(), frame["count"].tolist(), strict=True):
        z[row[iy], column[ix]] = math.sqrt(n)
        text[row[iy], column[ix]] = fmt_int(n)
    high = math.sqrt(float(frame["count"].max()))
    return go.Heatmap(
        x=np.array(x_edges) * grid.step_lon, y=np.array(y_edges) * grid.step_lat, z=z, text=text,
        name="Händelser", colorscale=CELL_COLORSCALE, zmin=0, zmax=max(high, 1.0), showscale=False,
        hoverongaps=False, zsmooth=False,
        hovertemplate=f"%{{text}} händelser i rutan ({grid.metres} × {grid.metres} m)<extra></extra>",
    )


def _colorbar_trace(high: float) -> go.Scatter:
    """An invisible marker that carries the colour bar, since filled outlines cannot show one."""
    return go.Scatter(
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
        marker={"colorscale": COLORSCALE, "cmin": 0, "cmax": max(high, 1), "color": [0], "showscale": True,
                # Horizontal above the map: beside it, the bar would sit far out at the paper's edge,
                # since the fixed aspect leaves the map narrower than the chart.
                "colorbar": {"title": {"text": "Händelser", "side": "top", "font": {"size": 16}},
                             "orientation": "h", "thickness": 14, "len": 0.4, "x": 0.5, "xanchor": "center", "y": 1.0, "yanchor": "bottom",
                             "tickformat": ",d", "outlinewidth": 0}},
    )


# A label's name comes from customdata[0] (made plain with the rest of the figure, see chart_text);
# only the bold and the line break are the template's.
_LABEL_TEMPLATE = "<b>%{customdata[0]}</b><br>%{text}"
_COUNT_TEMPLATE = "%{text}"


# ---------------------------------------------------------------- labels that fit


def _label_size(name: str | None, count: str, one_line: bool = False) -> tuple[float, float]:
    """(width, height) in pixels of a label: the name over the count (or beside it, `one_line`), or
    the count alone; the gap around included."""
    if name is None:
        lines = [("count", count)]
    else:
        lines = [("name", f"{name} {count}")] if one_line else [("name", name), ("count", count)]
    width = max(len(text) * _CHAR_EM[kind] * LABEL_PX for kind, text in lines)
    return width + _LABEL_GAP_PX, len(lines) * _LINE_EM * LABEL_PX + _LABEL_GAP_PX


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def fitting_labels(
    anchors: Mapping[str, tuple[float, float]],
    counts: Mapping[str, int],
    to_pixels: Callable[[float, float], tuple[float, float]],
    lift_px: Mapping[str, float] | None = None,
    one_line: bool = False,
) -> dict[str, str]:
    """Which districts get a label, so that no two labels overlap: the name with the count ('name')
    where it fits, else the count alone ('count') where that fits, else none (the hover tells).

    Districts with the most events come first. `to_pixels` maps (lon, lat) to screen pixels, y
    downwards; `lift_px` raises a label above its anchor by that many pixels (the radius of a bubble
    the label stands on). A label may reach past the plot's edge: the traces draw it unclipped."""
    placed: list[tuple[float, float, float, float]] = []
    chosen: dict[str, str] = {}
    ranked = sorted(anchors, key=lambda d: (-counts.get(d, 0), d))
    # Names first, so that a count does not take the room of a name; then counts where names did not fit.
    for kind in ("name", "count"):
        for district in ranked:
            if district in chosen:
                continue
            px, py = to_pixels(*anchors[district])
            lift = (lift_px or {}).get(district)
            width, height = _label_size(district if kind == "name" else None, fmt_int(counts.get(district, 0)),
                                        one_line)
            centre_y = py - lift - height / 2 if lift is not None else py
            box = (px - width / 2, centre_y - height / 2, px + width / 2, centre_y + height / 2)
            if not any(_overlaps(box, other) for other in placed):
                placed.append(box)
                chosen[district] = kind
    return chosen


def axes_pixels(box: tuple[float, float, float, float],
                plot_px: tuple[float, float] = MIN_PLOT_PX) -> Callable[[float, float], tuple[float, float]]:
    """(lon, lat) -> pixels on the offline map framed by _frame_axes: one scale for both axes at the
    local aspect, the data's centre at the plot's centre (Plotly widens the other axis's range)."""
    x0, y0, x1, y1, _ = _padded(box)
    k = math.cos(math.radians((y0 + y1) / 2))
    scale = min(plot_px[0] / (x1 - x0), plot_px[1] * k / (y1 - y0))  # pixels per degree of longitude
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def to_pixels(lon: float, lat: float) -> tuple[float, float]:
        return plot_px[0] / 2 + (lon - cx) * scale, plot_px[1] / 2 - (lat - cy) * scale / k

    return to_pixels


def _templates(districts: Sequence[str], fitting: Mapping[str, str]) -> str | list[str]:
    """Each district's text template by what fits; one template for all when all are alike."""
    found = [{"name": _LABEL_TEMPLATE, "count": _COUNT_TEMPLATE}.get(fitting.get(d, ""), "") for d in districts]
    return found[0] if found and len(set(found)) == 1 else found


def tile_pixels(zoom: float, centre: tuple[float, float]) -> Callable[[float, float], tuple[float, float]]:
    """(lon, lat) -> pixels from the centre of a web-Mercator map at `zoom` (MapLibre: 512 px at zoom 0)."""
    size = 512 * 2**zoom

    def mercator(lon: float, lat: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return (lon + 180) / 360 * size, (1 - y / math.pi) / 2 * size

    cx, cy = mercator(*centre)

    def to_pixels(lon: float, lat: float) -> tuple[float, float]:
        x, y = mercator(lon, lat)
        return x - cx, y - cy

    return to_pixels


def style_map(fig: go.Figure, height: int = 680) -> go.Figure:
    """The shared chart style, with room above the map for a horizontal colour bar."""
    scale = any(getattr(getattr(t, "marker", None), "showscale", False) for t in fig.data)
    return chart_style.style_figure(fig, height=height, top=70 if scale else None)


# ---------------------------------------------------------------- offline figures


def choropleth_figure(counts: pd.DataFrame, geometries: Mapping[str, dict[str, object]],
                      cells: geo.Cells | None = None, plot_px: tuple[float, float] = MIN_PLOT_PX) -> go.Figure:
    """District polygons filled by their count; districts outside the choice stay grey for context.
    Labels are placed for a plot of at least `plot_px` pixels."""
    by_district = dict(zip(counts["district"], counts["count"].astype(int), strict=True))
    shown = [d for d in geometries if d in by_district]
    high = float(max((by_district[d] for d in shown), default=0))
    fills = dict(zip(shown, _fills([by_district[d] for d in shown], high), strict=True))
    fig = go.Figure()
    # Context first, so that the grey outlines never cover a chosen district's dark one.
    for district, geometry in sorted(geometries.items(), key=lambda item: item[0] in by_district):
        xs, ys = _outline_xy(geometry)
        chosen = district in by_district
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", hoveron="fills",
            name=f"{district}: {fmt_int(by_district[district])} händelser" if chosen else f"{district} (ej vald)",
            fillcolor=fills[district] if chosen else OUTSIDE_FILL,
            line={"color": OUTLINE if chosen else "#AAAAAA", "width": 2 if chosen else 1},
            hoverinfo="name",
        ))
    cells_trace = _cells_trace(cells)
    if cells_trace is not None:
        fig.add_trace(cells_trace)
    box = geo.bounds(geometries.values())
    anchors = {d: geo.label_point(g) for d, g in geometries.items()}
    # Labels only where they fit, the districts with most events first; every district has its dot,
    # whose hover tells its count and whose click chooses it (pages/karta.py).
    fitting = fitting_labels({d: anchors[d] for d in shown}, by_district, axes_pixels(box, plot_px)) if box else {}
    context = [d for d in geometries if d not in by_district]
    if context:
        fig.add_trace(go.Scatter(
            x=[anchors[d][0] for d in context], y=[anchors[d][1] for d in context], mode="markers",
            name="Övriga stadsdelar", marker=_DOT, customdata=[[d, None] for d in context],
            hovertemplate="%{customdata[0]} (ej vald) – klicka för att välja<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=[anchors[d][0] for d in shown], y=[anchors[d][1] for d in shown], mode="markers+text", name="Antal",
        # A label is its district's click target itself (an unseen dot under it); the others show theirs.
        marker={**_DOT, "opacity": [0.0 if d in fitting else 1.0 for d in shown]}, text=[fmt_int(by_district[d]) for d in shown], texttemplate=_templates(shown, fitting),
        cliponaxis=False,
        textfont={"size": LABEL_PX, "color": [_text_on(fills[d]) for d in shown], "shadow": "auto"},
        customdata=[[d, by_district[d]] for d in shown],
        hovertemplate="%{customdata[0]}: %{customdata[1]} händelser<extra></extra>",
    ))
    fig.add_trace(_colorbar_trace(high))
    if box:
        _frame_axes(fig, box)
    return fig


def bubble_figure(counts: pd.DataFrame, centres: pd.DataFrame, cells: geo.Cells | None = None,
                  dark: bool = False, plot_px: tuple[float, float] = MIN_PLOT_PX) -> go.Figure:
    """A bubble per district at the mean of its events' positions; area ∝ count, in the district's colour.

    `dark`: the labels in the dark theme's text colour (the map itself is transparent).
    """
    frame = counts.merge(centres[["district", "lat", "lon"]], on="district", how="inner").dropna(subset=["lat", "lon"])
    high = float(frame["count"].max()) if not frame.empty else 0.0
    fig = go.Figure()
    cells_trace = _cells_trace(cells)
    if cells_trace is not None:
        fig.add_trace(cells_trace)
    cell_box = cell_bounds(cells)
    lons = list(frame["lon"]) + ([cell_box[0], cell_box[2]] if cell_box else [])
    lats = list(frame["lat"]) + ([cell_box[1], cell_box[3]] if cell_box else [])
    box = (min(lons), min(lats), max(lons), max(lats)) if lons else None
    sizeref = 2 * max(high, 1) / MAX_BUBBLE_PX**2
    counts_by = dict(zip(frame["district"], frame["count"].astype(int), strict=True))
    # A label stands on its bubble (textposition top center): lifted by the bubble's radius.
    radius = {d: max(6.0, math.sqrt(max(c, 0) / sizeref)) / 2 for d, c in counts_by.items()}
    fitting = fitting_labels(dict(zip(frame["district"], zip(frame["lon"], frame["lat"], strict=True), strict=True)),
                             counts_by, axes_pixels(box, plot_px), lift_px=radius) if box else {}
    fig.add_trace(go.Scatter(
        x=frame["lon"], y=frame["lat"], mode="markers+text", name="Stadsdelar",
        marker={"size": frame["count"], "sizemode": "area", "sizeref": sizeref,
                "sizemin": 6, "color": frame["color"], "opacity": 0.8, "line": {"color": "#FFFFFF", "width": 2}},
        text=[fmt_int(c) for c in frame["count"]], texttemplate=_templates(list(frame["district"]), fitting),
        cliponaxis=False,
        # A halo keeps a label readable where it overlaps a neighbour's bubble.
        textposition="top center", textfont={"size": 17, "color": LABEL_ON_DARK if dark else LABEL_ON_LIGHT,
                                             "shadow": "auto"},
        customdata=frame[["district", "count"]].to_numpy(),
        hovertemplate="%{customdata[0]}: %{customdata[1]} händelser<extra></extra>",
    ))
    if box:
        _frame_axes(fig, box)
    return fig


def outline_figure(geometries: Mapping[str, dict[str, object]], colors: Mapping[str, str]) -> go.Figure:
    """The uploaded boundaries in the districts' own colours, for the preview before saving."""
    fig = go.Figure()
    for district, geometry in geometries.items():
        xs, ys = _outline_xy(geometry)
        color = colors.get(district, "#777777")
        r, g, b = _rgb(color)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", hoveron="fills", name=district,
                                 fillcolor=f"rgba({r},{g},{b},0.35)", line={"color": color, "width": 2},
                                 hoverinfo="name"))
    anchors = {d: geo.label_point(g) for d, g in geometries.items()}
    fig.add_trace(go.Scatter(x=[a[0] for a in anchors.values()], y=[a[1] for a in anchors.values()],
                             mode="text", text=list(anchors), texttemplate="<b>%{text}</b>", textfont={"size": 16},
                             hoverinfo="skip"))
    box = geo.bounds(geometries.values())
    if box:
        _frame_axes(fig, box)
    return fig


# ---------------------------------------------------------------- tiled figure (only when configured)


def _zoom(box: tuple[float, float, float, float], width_px: int = 850, height_px: int = 650) -> float:
    """A zoom that fits the box; MapLibre's zoom 0 shows the world on 512 pixels, not 256."""
    x0, y0, x1, y1 = box
    lat0 = math.radians((y0 + y1) / 2)
    span_x = max(x1 - x0, 0.005)
    span_y = max(y1 - y0, 0.003)
    zx = math.log2(0.85 * width_px * 360 / (512 * span_x))
    zy = math.log2(0.85 * height_px * 360 * math.cos(lat0) / (512 * span_y))
    return max(3.0, min(16.0, min(zx, zy)))


def tiled_figure(url: str, counts: pd.DataFrame, geometries: Mapping[str, dict[str, object]],
                 centres: pd.DataFrame, points: pd.DataFrame | None = None) -> go.Figure:
    """The same map on raster tiles from the configured server (go.Scattermap, MapLibre)."""
    by_district = dict(zip(counts["district"], counts["count"].astype(int), strict=True))
    fig = go.Figure()
    lons: list[float] = []
    lats: list[float] = []
    shown = [d for d in geometries if d in by_district]
    if shown:
        high = float(max(by_district[d] for d in shown))
        fig.add_trace(go.Choroplethmap(
            geojson={"type": "FeatureCollection",
                     "features": [{"type": "Feature", "id": d, "properties": {}, "geometry": geometries[d]}
                                  for d in shown]},
            locations=shown, z=[by_district[d] for d in shown], featureidkey="id",
            colorscale=COLORSCALE, zmin=0, zmax=max(high, 1), marker={"opacity": 0.6, "line": {"width": 2}},
            colorbar={"title": {"text": "Händelser"}}, name="Stadsdelar",
            hovertemplate="%{location}: %{z} händelser<extra></extra>",
        ))
        anchors = [geo.label_point(geometries[d]) for d in shown]
        box = geo.bounds(geometries[d] for d in shown)
        fitting: dict[str, str] = {}
        if box:
            lons += [box[0], box[2]]
            lats += [box[1], box[3]]
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            fitting = fitting_labels(dict(zip(shown, anchors, strict=True)), by_district,
                                     tile_pixels(_zoom(box), centre), one_line=True)
        label = {"name": "{d} {n}", "count": "{n}"}
        fig.add_trace(go.Scattermap(
            lon=[a[0] for a in anchors], lat=[a[1] for a in anchors], mode="text",
            text=[label.get(fitting.get(d, ""), "").format(d=d, n=fmt_int(by_district[d])) for d in shown],
            textfont={"size": 16, "color": "#111111"},
            customdata=[[d, by_district[d]] for d in shown], hoverinfo="skip",
        ))
    else:
        frame = counts.merge(centres[["district", "lat", "lon"]], on="district").dropna(subset=["lat", "lon"])
        high = float(frame["count"].max()) if not frame.empty else 0.0
        fig.add_trace(go.Scattermap(
            lon=frame["lon"], lat=frame["lat"], mode="markers+text", name="Stadsdelar",
            marker={"size": frame["count"], "sizemode": "area", "sizeref": 2 * max(high, 1) / MAX_BUBBLE_PX**2,
                    "sizemin": 6, "color": frame["color"], "opacity": 0.8},
            text=[f"{d} {fmt_int(c)}" for d, c in zip(frame["district"], frame["count"], strict=True)],
            textposition="top center", textfont={"size": 16, "color": "#111111"},
            customdata=frame[["district", "count"]].to_numpy(),
            hovertemplate="%{customdata[0]}: %{customdata[1]} händelser<extra></extra>",
        ))
        lons += list(frame["lon"])
        lats += list(frame["lat"])
    if points is not None and not points.empty:
        fig.add_trace(go.Scattermap(
            lon=points["lon"], lat=points["lat"], mode="markers", name="Händelser",
            marker={"size": 6, "color": POINT_COLOR, "opacity": 0.35},
            customdata=points[["district", "category", "day"]].astype(str).to_numpy(),
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}, %{customdata[2]}<extra></extra>",
        ))
        lons += [float(points["lon"].min()), float(points["lon"].max())]
        lats += [float(points["lat"].min()), float(points["lat"].max())]
    box = (min(lons), min(lats), max(lons), max(lats)) if lons else (11.0, 55.3, 24.2, 69.1)
    layer: dict[str, object] = {"sourcetype": "raster", "source": [url], "below": "traces"}
    attribution = config.map_tiles().attribution
    if attribution:
        layer["sourceattribution"] = attribution
    fig.update_layout(
        showlegend=False,
        map={"style": "white-bg", "layers": [layer], "zoom": _zoom(box),
             "center": {"lon": (box[0] + box[2]) / 2, "lat": (box[1] + box[3]) / 2}},
    )
    return fig
