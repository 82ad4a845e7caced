"""Karta: events per district on a map that needs no internet – polygons when boundaries are stored, else bubbles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet.analysis import geo, population
from trygghet.core import config
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.core.text import plotly_literal
from trygghet.present import map_figures, table_style
from trygghet.store import reference_lists
from trygghet.ui import cache, login, places_view, safe_text, shell, sidebar, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
week = filters.week
polygons = cache.query(geo.geometries, db)  # {} until boundaries are uploaded
areas: dict[str, str | None] = cache.query(reference_lists.district_areas, db)

# The toggle sits below the title, but the title names the window; its state is known before it is drawn.
whole_period = bool(st.session_state.get("karta_period", False))
st.title(f"Karta – {'hela trendperioden' if whole_period else f'v. {week.week} {week.year}'}")
left_toggle, right_toggle = st.columns(2)
left_toggle.toggle(
    "Hela trendperioden i stället för veckan", key="karta_period",
    help="Trendperioden väljs i sidomenyn.",
)
show_points = right_toggle.toggle(
    "Visa händelser i rutor", key="karta_points", value=not polygons,
    help="Alla händelser med koordinater, räknade i lika stora rutor; mörkare ruta betyder fler.",
)
window = "period" if whole_period else "week"
span = geo.window_for(filters, window)
if whole_period:
    when = f"{filters.start:%Y-%m-%d} – {filters.end:%Y-%m-%d}"
    file_when = f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
else:
    when = f"v. {week.week} {week.year}"
    file_when = f"v{week.week}-{week.year}"
selection = [filters.district_label]
if filters.categories:
    selection.append(", ".join(filters.categories) if len(filters.categories) <= 3 else
                     f"{len(filters.categories)} kategorier")
if filters.sources:
    selection.append(", ".join(filters.sources) if len(filters.sources) <= 3 else f"{len(filters.sources)} källor")
st.caption(safe_text.plain(" · ".join([span.label, *selection])))

# Asked for every district and cut to the sidebar's choice here, so that a click on a district finds
# the queries cached: the counts, the centres and the cells.
every_district = filters.with_districts(())
every_count: pd.DataFrame = cache.query(geo.district_counts, db, every_district, window)  # type: ignore[assignment]
counts = geo.for_districts(every_count, filters.districts)
total = int(counts["count"].sum())
tiles = map_figures.tile_url()
# The tiled map (MapLibre) draws single events; the offline map counts them in cells, since thousands
# of SVG points took the browser a quarter of a second to draw on every click.
points = cache.query(geo.event_points, db, filters, 5000, window) if show_points and tiles else None
grid = cache.query(geo.event_grid_spec, db) if show_points and not tiles else None
every_cell: geo.Cells | None = cache.query(geo.event_grid, db, every_district, window, grid) if grid else None  # type: ignore[assignment]
cells = every_cell.chosen(filters.districts) if every_cell is not None else None
tiles_problem = config.map_tiles().problem
if tiles_problem:
    st.caption(tiles_problem)
every_centre: pd.DataFrame = cache.query(geo.district_centres, db, every_district)  # type: ignore[assignment]
centres = geo.for_districts(every_centre, filters.districts)

chart_name = f"karta-{file_when}"


def choose_clicked() -> None:
    """A click on a district's dot or bubble (or on one of its events) adds it to the sidebar's choice.
    The chart hands back names as the figure holds them, made plain (chart_text)."""
    state = st.session_state.get(widgets.chart_key(chart_name)) or {}
    by_literal = {plotly_literal(d): d for d in areas}
    for point in (state.get("selection") or {}).get("points", []):
        data = point.get("customdata")
        name = by_literal.get(data[0]) if isinstance(data, list) and data and isinstance(data[0], str) else None
        if name is not None:
            sidebar.choose_district(name)


# A city of many districts gets the page's whole width for its map, with the tables below it.
wide = len(areas) > sidebar.PILLS_MAX
map_col, table_col = (st.container(), st.container()) if wide else st.columns([2, 1.2], gap="large")
plot_px = map_figures.WIDE_PLOT_PX if wide else map_figures.MIN_PLOT_PX
with map_col:
    if tiles:
        fig = map_figures.tiled_figure(tiles, counts, polygons, centres, points)
    elif polygons:
        fig = map_figures.choropleth_figure(counts, polygons, cells, plot_px)
    else:
        # The theme the browser reports; None (light) in tests and before the first report.
        fig = map_figures.bubble_figure(counts, centres, cells, dark=widgets.is_dark(),
                                        plot_px=plot_px)
    ranked = counts.sort_values(["count", "district"], ascending=[False, True])
    listed = ", ".join(f"{d} {fmt_int(c)}" for d, c in zip(ranked["district"], ranked["count"], strict=True))
    how = ("Stadsdelarna är färgade efter antalet händelser; mörkare blå betyder fler."
           if polygons else "Cirkelns yta är proportionell mot antalet händelser; den står i mitten av "
           "stadsdelens händelser med koordinater.")
    widgets.chart(
        map_figures.style_map(fig),
        chart_name,
        summary=f"Karta över händelser per stadsdel, {when}, totalt {fmt_int(total)}: {listed or 'inga'}. {how} "
                "Namn och antal står där de får plats; för musen över en stadsdel för resten. Klicka på en "
                "stadsdels punkt för att välja den i sidofältet.",
        on_select=choose_clicked,
    )
    if cells is not None:
        if cells.total:
            st.caption(f"Rutorna är {fmt_int(cells.grid.metres)} × {fmt_int(cells.grid.metres)} m och visar alla "
                       f"{fmt_int(cells.total)} händelser med koordinater i urvalet; mörkare ruta betyder fler. "
                       "För musen över en ruta för antalet.")
        else:
            st.caption("Inga händelser med koordinater i urvalet.")
    if points is not None:
        shown, available = len(points), int(points["total"].iloc[0]) if len(points) else 0
        if available > shown:
            st.caption(f"Punkterna är ett jämnt urval: {fmt_int(shown)} av {fmt_int(available)} händelser med "
                       "koordinater.")
        elif available:
            st.caption(f"Punkterna visar alla {fmt_int(available)} händelser med koordinater.")
        else:
            st.caption("Inga händelser med koordinater i urvalet.")

with table_col:
    grouped = any(areas.values())
    by_area = grouped and st.segmented_control(
        "Visa per", ["Stadsdel", "Område"], default="Stadsdel", key="karta_per") == "Område"
    st.header("Per område" if by_area else "Per stadsdel")
    table = pd.DataFrame({
        "Stadsdel": ranked["district"],
        **({"Område": [areas.get(d) or "–" for d in ranked["district"]]} if grouped else {}),
        "Händelser": ranked["count"].astype(int),
        "Andel (%)": (100 * ranked["count"] / total) if total else 0.0,
        **({} if polygons else {"Med koordinater": ranked["with_coordinates"].astype(int)}),
    })
    if by_area:
        summed = [c for c in ("Stadsdelar", "Händelser", "Andel (%)", "Med koordinater") if c in table or c == "Stadsdelar"]
        table = (table.assign(Stadsdelar=1).groupby("Område", as_index=False, sort=False)[summed].sum()
                 .sort_values(["Händelser", "Område"], ascending=[False, True], kind="stable"))
    # Beside the counts, so that a large district is not the "worst" only for being large.
    inhabitants = cache.query(population.population, db, span.start.year)
    if inhabitants and not by_area:
        table["Per 1 000 inv."] = [population.rate(c, inhabitants.get(d))
                                   for d, c in zip(table["Stadsdel"], table["Händelser"], strict=True)]
    formats = {"Händelser": fmt_int, "Andel (%)": lambda v: fmt_dec(v, 1), "Med koordinater": fmt_int,
               "Stadsdelar": fmt_int, "Per 1 000 inv.": lambda v: fmt_dec(v, 2)}
    styler = table.style.format({c: f for c, f in formats.items() if c in table.columns})
    # A city's 150 districts scroll within the table instead of stretching the page.
    widgets.table(table, f"karta-per-{'omrade' if by_area else 'stadsdel'}-{file_when}", styler=styler,
                  height=table_style.table_height(min(len(table), 20)))

    # Districts the map cannot place are listed here, so that no count quietly disappears.
    if polygons:
        unplaced = counts[~counts["district"].isin(list(polygons))]
        reason = "Saknar gräns i den sparade kartfilen och syns därför inte på kartan."
    else:
        no_centre = set(centres.loc[centres["lat"].isna(), "district"])
        unplaced = counts[counts["district"].isin(no_centre) | ~counts["district"].isin(centres["district"])]
        reason = "Har inga händelser med koordinater och kan därför inte placeras på kartan."
    if not unplaced.empty:
        st.header("Inte på kartan")
        st.caption(reason)
        widgets.table(
            pd.DataFrame({"Stadsdel": unplaced["district"], "Händelser": unplaced["count"].astype(int)}),
            f"karta-ej-placerade-{file_when}",
        )
    if not polygons:
        st.caption("Stadsdelarnas gränser kan laddas upp som GeoJSON på sidan Data; då visas ytor i stället "
                   "för cirklar.")

# Crime concentrates on a few places year after year: the standing list, whatever the map's window.
places_view.show(db, filters)
