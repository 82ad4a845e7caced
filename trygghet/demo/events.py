"""Solvik's events, drawn all at once: a rate for every (day, hour, district, category) cell
from district volumes, category mixes, seasons, weekdays, holidays, trends, bursts and the
effect of interventions, then one multinomial draw spreads the events over the cells.
Everything after that is array arithmetic, which is what lets ten million events be written
in well under a minute."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as dt_time

import duckdb
import numpy as np
import pyarrow as pa

from trygghet.demo.categories import (
    BURST_CATEGORIES,
    DAMAGE_SUFFIXES,
    EXTERNAL_ID_PREFIX,
    HOUR_SHAPES,
    PERSON_SUFFIXES,
    SOURCES,
    SPECIAL_DAYS,
    SUFFIX_WEIGHTS,
    WEEK_SHAPES,
    model,
)
from trygghet.demo.interventions import PRIORITY_AREAS, Intervention
from trygghet.demo.places import DISTRICTS
from trygghet.store import db

# Inverse-CDF lookup tables of this many slots replace a per-event search: the weights are
# rounded to 1/4096, far finer than anyone can see in a demo.
_LUT_SLOTS = 4096


def _lookup_table(weights: np.ndarray) -> np.ndarray:
    """Rows of weights -> rows of _LUT_SLOTS indices, so u in [0, 1) maps to a draw by a gather."""
    weights = np.atleast_2d(weights).astype(np.float64)
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    probes = (np.arange(_LUT_SLOTS) + 0.5) / _LUT_SLOTS
    table = np.empty((weights.shape[0], _LUT_SLOTS), dtype=np.int16)
    for row in range(weights.shape[0]):
        table[row] = np.searchsorted(cum[row], probes, side="right")
    return np.minimum(table, weights.shape[1] - 1)


def _draw(table: np.ndarray, rows: np.ndarray | int, u: np.ndarray) -> np.ndarray:
    return table[rows, (u * _LUT_SLOTS).astype(np.int32)]


def _daily_rates(
    rng: np.random.Generator,
    start: date,
    days: int,
    categories: list[str],
    interventions: list[Intervention],
    area_categories: dict[str, list[int]],
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int, int, int]]]:
    """Expected events per (evening-day, district, category) and each evening-day's hour variant.

    An "evening-day" runs from 06:00 to 06:00, so a Saturday night's fights count as Saturday.
    Index 0 is the day before the period, whose small hours fall on its first morning.
    """
    n_days = days + 1
    n_k, n_c = len(DISTRICTS), len(categories)
    first = np.datetime64(start - timedelta(days=1), "D")
    dates = first + np.arange(n_days)
    years = dates.astype("datetime64[Y]")
    doy = (dates - years).astype(np.int64) + 1
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    t_years = (np.arange(n_days) - 1) / 365.25

    summer = np.exp(-0.5 * ((doy - 190) / 30.0) ** 2)
    july = np.exp(-0.5 * ((doy - 198) / 12.0) ** 2)
    dark = np.cos(2 * np.pi * (doy - 355) / 365.25)
    special = {
        "nyårsafton": (month == 12) & (dom == 31),
        "nyårsdagen": (month == 1) & (dom == 1),
        "valborg": (month == 4) & (dom == 30),
        "första maj": (month == 5) & (dom == 1),
        "nationaldagen": (month == 6) & (dom == 6),
        "midsommarafton": (month == 6) & (dom >= 19) & (dom <= 25) & (weekday == 4),
        "halloween": (month == 10) & (dom == 31),
    }

    per_category = np.empty((n_days, n_c))
    for c, name in enumerate(categories):
        m = model(name)
        season = 1 + m.summer * summer + m.dark * dark + m.july * july
        factor = np.maximum(season, 0.15) * np.asarray(WEEK_SHAPES[m.week])[weekday]
        factor *= np.exp(m.trend * t_years) * m.weight
        for day_name, mask in special.items():
            factor[mask] *= SPECIAL_DAYS[day_name].get(name, 1.0)
        per_category[:, c] = factor

    volume = np.array([d.volume for d in DISTRICTS])
    per_district = volume * (1 + np.outer(summer, [d.summer for d in DISTRICTS]))
    per_district *= np.exp(np.outer(t_years, [d.trend for d in DISTRICTS]))
    mix = np.array([[d.mix.get(name, 1.0) for name in categories] for d in DISTRICTS])
    mix *= rng.lognormal(0.0, 0.15, size=mix.shape)
    rates = per_category[:, None, :] * per_district[:, :, None] * mix[None, :, :]

    # Week-to-week wobble that real data has and a smooth model lacks.
    week = (np.arange(n_days) + int(weekday[0])) // 7
    rates *= rng.lognormal(0.0, 0.12, size=(int(week[-1]) + 1, n_k, n_c))[week]

    bursts = _plan_bursts(rng, n_days, rates, categories)
    for k, c, d0, d1, mult, _place in bursts:
        rates[d0:d1 + 1, k, c] *= mult

    for iv in interventions:
        if iv.effect is None:
            continue
        curve = _effect_curve(rng, iv, start, n_days)
        rates[:, iv.district, area_categories[iv.area]] *= curve[:, None]

    variant = (weekday >= 4) & (weekday <= 5)
    variant = variant.astype(np.int8) + 2 * np.isin(month, (6, 7, 8)) + 4 * (
        special["nyårsafton"] | special["valborg"])
    burst_days = [(k, c, d0, d1, place) for k, c, d0, d1, _m, place in bursts]
    return rates, variant.astype(np.int8), burst_days


def _plan_bursts(
    rng: np.random.Generator, n_days: int, rates: np.ndarray, categories: list[str]
) -> list[tuple[int, int, int, int, float, int]]:
    """Short outbreaks at one place, two of them recent so this week's flags have something to find."""
    burst_cats = [categories.index(c) for c in BURST_CATEGORIES if c in categories]
    if not burst_cats or n_days < 10:
        return []
    volume = rates.sum(axis=0)
    district_p = volume.sum(axis=1) / volume.sum()
    # The recent ones go where the counts are large enough for a real test to notice them.
    recent = rates[-56:][:, :, burst_cats].sum(axis=0)
    busiest = np.argsort(-recent, axis=None)[:12]
    count = max(3, round(10 * n_days / 365.25))
    bursts = []
    for i in range(count + 2):
        if i < count:
            k = int(rng.choice(len(DISTRICTS), p=district_p))
            c = int(rng.choice(burst_cats))
            length = int(rng.integers(5, 22))
            d0 = int(rng.integers(1, max(2, n_days - length)))
            mult = float(rng.uniform(2.0, 3.5))
        else:
            k, j = divmod(int(rng.choice(busiest)), len(burst_cats))
            c = burst_cats[j]
            length = int(rng.integers(6, 11)) if i == count else int(rng.integers(7, 15))
            back = 0 if i == count else int(rng.integers(21, 36))
            d0 = max(1, n_days - back - length)
            mult = float(rng.uniform(3.0, 4.5))
        place = int(rng.integers(0, len(DISTRICTS[k].neighbourhoods) + len(DISTRICTS[k].addresses)))
        bursts.append((k, c, d0, min(n_days - 1, d0 + length - 1), mult, place))
    return bursts


def _effect_curve(rng: np.random.Generator, iv: Intervention, start: date, n_days: int) -> np.ndarray:
    """Rate multiplier per evening-day: eases in over two weeks, holds, and fades after the end."""
    day = np.arange(n_days) - 1  # index 0 is the day before the period
    s = (iv.start - start).days
    e = (iv.end - start).days if iv.end is not None else n_days
    tail = int(rng.integers(28, 57))
    full = 1 - (iv.effect if iv.effect is not None else 1.0)
    strength = np.clip((day - s) / 14.0, 0, 1) * np.clip(1 - (day - e) / tail, 0, 1)
    return 1 - full * strength


def generate_events(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    start: date,
    end: date,
    total: int,
    categories: list[str],
    interventions: list[Intervention],
) -> np.ndarray:
    """Draws, sorts and inserts the events; returns counts per (calendar year, district, category)."""
    days = (end - start).days + 1
    n_k, n_c = len(DISTRICTS), len(categories)
    area_categories = {a: [categories.index(c) for c in cats if c in categories]
                       for a, (cats, _d, _g) in PRIORITY_AREAS.items()}
    rates, variant, bursts = _daily_rates(rng, start, days, categories, interventions, area_categories)

    # Hour shapes per (variant, clock hour, category), each summing to one over the day.
    shapes = np.empty((8, 24, n_c))
    late_hours = np.isin(np.arange(24), (22, 23, 0, 1, 2, 3))
    summer_hours = np.isin(np.arange(24), (19, 20, 21, 22, 23, 0))
    fireworks_hours = np.isin(np.arange(24), (22, 23, 0, 1, 2))
    for c, name in enumerate(categories):
        m = model(name)
        base = np.asarray(HOUR_SHAPES[m.hours], dtype=np.float64)
        for v in range(8):
            shape = base.copy()
            if v & 1 and m.late_weekend:
                shape[late_hours] *= 1.6
            if v & 2 and m.summer_evening:
                shape[summer_hours] *= 1.8
            if v & 4 and m.fireworks:
                shape[fireworks_hours] *= 4.0
            shapes[v, :, c] = shape / shape.sum()

    hours = np.arange(24)
    evening_day = np.arange(days)[:, None] + (hours >= 6)[None, :]  # (days, 24)
    cell_rates = rates[evening_day] * shapes[variant[evening_day], hours[None, :]][:, :, None, :]
    p = cell_rates.ravel()
    p /= p.sum()
    counts = rng.multinomial(total, p) if total else np.zeros(p.size, dtype=np.int64)
    del cell_rates, p

    cells = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    del counts
    cat = (cells % n_c).astype(np.int8)
    rest = cells // n_c
    dist = (rest % n_k).astype(np.int8)
    rest //= n_k
    hour = (rest % 24).astype(np.int16)
    day = (rest // 24).astype(np.int32)
    del cells, rest
    n = day.size

    # Time of day; an unknown time is stored as midnight.
    minute = rng.integers(0, 60, size=n, dtype=np.int16)
    unknown_p = np.array([model(c).unknown_time for c in categories])
    weights = np.bincount(cat, minlength=n_c)
    if n:
        unknown_p = np.minimum(0.9, unknown_p * 0.07 / max(1e-9, float(weights @ unknown_p) / n))
    known = rng.random(n, dtype=np.float32) >= unknown_p.astype(np.float32)[cat]
    minute_of_day = np.where(known, hour * 60 + minute, 0).astype(np.int32)
    del hour, minute

    # Places: each district has a few hot spots, and each category its own favourites among them.
    offsets = np.cumsum([0] + [len(d.neighbourhoods) + len(d.addresses) for d in DISTRICTS])
    place_names = [p for d in DISTRICTS for p in (*d.neighbourhoods, *d.addresses)]
    width = int(np.diff(offsets).max())
    place_w = np.zeros((n_k, n_c, width))
    for k in range(n_k):
        size = int(offsets[k + 1] - offsets[k])
        rank = rng.permutation(size)
        # The district's hub is among its hottest places; that is where the interventions point.
        hub = DISTRICTS[k].neighbourhoods.index(DISTRICTS[k].hub) if DISTRICTS[k].hub in (
            DISTRICTS[k].neighbourhoods) else 0
        swap = int(np.flatnonzero(rank == rng.integers(0, 3))[0])
        rank[[hub, swap]] = rank[[swap, hub]]
        zipf = 1.0 / (rank + 1.0) ** 1.1
        place_w[k, :, :size] = zipf * rng.lognormal(0.0, 0.5, size=(n_c, size))
    place_lut = _lookup_table(place_w.reshape(n_k * n_c, width))
    place = _draw(place_lut, dist.astype(np.int32) * n_c + cat, rng.random(n, dtype=np.float32))
    place = place + offsets[:-1].astype(np.int16)[dist]
    for k, c, d0, d1, local in bursts:
        lo, hi = np.searchsorted(day, [d0 - 1, d1], side="left")  # bursts use evening-day indices
        sel = lo + np.flatnonzero((dist[lo:hi] == k) & (cat[lo:hi] == c) & (rng.random(hi - lo) < 0.65))
        place[sel] = offsets[k] + local
    place[rng.random(n, dtype=np.float32) < 0.08] = -1

    source_w = np.array([[model(c).sources.get(s, 0.0) for s in SOURCES] for c in categories])
    source = _draw(_lookup_table(source_w), cat, rng.random(n, dtype=np.float32)).astype(np.int8)

    # Descriptions: a category template plus an optional remark; about 15 % left empty.
    texts: list[str] = []
    text_offset = np.zeros(n_c, dtype=np.int32)
    text_count = np.zeros(n_c, dtype=np.int32)
    for c, name in enumerate(categories):
        m = model(name)
        suffixes = DAMAGE_SUFFIXES if m.damage_suffixes else PERSON_SUFFIXES
        text_offset[c] = len(texts)
        text_count[c] = len(m.texts)
        texts.extend(t + s for t in m.texts for s in suffixes)
    suffix_lut = _lookup_table(np.asarray(SUFFIX_WEIGHTS))

    def draw_descriptions(of: np.ndarray) -> np.ndarray:
        template = (rng.random(of.size) * text_count[of]).astype(np.int32)
        suffix = _draw(suffix_lut, 0, rng.random(of.size, dtype=np.float32)).astype(np.int32)
        code = text_offset[of] + template * len(SUFFIX_WEIGHTS) + suffix
        return np.where(rng.random(of.size) < 0.15, -1, code).astype(np.int16)

    description = draw_descriptions(cat)

    # Reports without their own case number are told apart by content; nudge the rare twins.
    has_ext = np.isin(source, [SOURCES.index(s) for s in EXTERNAL_ID_PREFIX])
    by_content = np.flatnonzero(~has_ext)
    for _attempt in range(20):
        key = day[by_content].astype(np.int64) * 1440 + minute_of_day[by_content]
        parts = ((place[by_content] + 1, len(place_names) + 1), (cat[by_content], n_c),
                 (description[by_content] + 1, len(texts) + 1), (source[by_content], len(SOURCES)))
        for values, size in parts:
            key = key * size + values
        order = np.argsort(key, kind="stable")
        twins = by_content[order[1:][key[order[1:]] == key[order[:-1]]]]
        if twins.size == 0:
            break
        description[twins] = draw_descriptions(cat[twins])
        retime = twins[known[twins]]
        minute_of_day[retime] = (minute_of_day[retime] // 60) * 60 + rng.integers(0, 60, retime.size)
    del by_content

    # Time order gives ids and case numbers their natural sequence.
    minutes = day.astype(np.int64) * 1440 + minute_of_day
    order = np.argsort(minutes, kind="stable")
    minutes, day, known = minutes[order], day[order], known[order]
    dist, cat, place = dist[order], cat[order], place[order]
    source, description = source[order], description[order]
    del order, minute_of_day

    day_years = (np.datetime64(start, "D") + np.arange(days)).astype("datetime64[Y]").astype(np.int64) + 1970
    event_year = day_years[day]
    n_years = end.year - start.year + 1
    ext_seq = np.zeros(n, dtype=np.int64)
    for name in EXTERNAL_ID_PREFIX:
        idx = np.flatnonzero(source == SOURCES.index(name))
        numbers = np.cumsum(rng.integers(1, 4, size=idx.size))
        first = np.searchsorted(event_year[idx], event_year[idx], side="left")
        # Numbers restart each year, with gaps for cases that concern other municipalities.
        ext_seq[idx] = numbers - np.concatenate(([0], numbers))[first]

    # Coordinates for about 60 %: the place's spot, or somewhere in the district.
    place_lat = np.empty(len(place_names))
    place_lon = np.empty(len(place_names))
    for k, d in enumerate(DISTRICTS):
        size = int(offsets[k + 1] - offsets[k])
        place_lat[offsets[k]:offsets[k + 1]] = d.lat + rng.normal(0, 0.0035, size)
        place_lon[offsets[k]:offsets[k + 1]] = d.lon + rng.normal(0, 0.006, size)
    has_coord = rng.random(n, dtype=np.float32) < 0.6
    at = np.flatnonzero(has_coord)
    spot = place[at]
    known_spot = spot >= 0
    centre_lat = np.array([d.lat for d in DISTRICTS])[dist[at]]
    centre_lon = np.array([d.lon for d in DISTRICTS])[dist[at]]
    lat = np.zeros(n)
    lon = np.zeros(n)
    spread = np.where(known_spot, 0.0004, 0.0035)
    # A degree of longitude is only about half a degree of latitude this far north.
    lat[at] = np.where(known_spot, place_lat[np.maximum(spot, 0)], centre_lat)
    lat[at] += spread * rng.standard_normal(at.size, dtype=np.float32)
    lon[at] = np.where(known_spot, place_lon[np.maximum(spot, 0)], centre_lon)
    lon[at] += spread * 1.7 * rng.standard_normal(at.size, dtype=np.float32)
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    del at, spot, known_spot, centre_lat, centre_lon, spread

    epoch = int((datetime.combine(start, dt_time(0)) - datetime(1970, 1, 1)).total_seconds())
    # "P-2025-" and friends as a dictionary: SQL then only pads the number, far cheaper than printf.
    ext_prefix = np.full(n, -1, dtype=np.int16)
    prefixes = []
    for i, (name, prefix) in enumerate(EXTERNAL_ID_PREFIX.items()):
        mine = source == SOURCES.index(name)
        ext_prefix[mine] = i * n_years + (event_year[mine] - start.year)
        prefixes += [f"{prefix}-{y}-" for y in range(start.year, end.year + 1)]
    del event_year

    def dictionary(codes: np.ndarray, names: list[str] | tuple[str, ...]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(np.maximum(codes, 0), pa.array(list(names)), mask=codes < 0)

    staged = pa.table({
        "id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "occurred_at": pa.array(epoch + minutes * 60, type=pa.timestamp("s")),
        "time_known": pa.array(known),
        "district": dictionary(dist, [d.name for d in DISTRICTS]),
        "place": dictionary(place, place_names),
        "category": dictionary(cat, categories),
        "description": dictionary(description, texts),
        "source": dictionary(source, SOURCES),
        "ext_prefix": dictionary(ext_prefix, prefixes),
        "ext_seq": pa.array(ext_seq),
        "lat": pa.array(lat, mask=~has_coord),
        "lon": pa.array(lon, mask=~has_coord),
    })
    counts = np.zeros((end.year - start.year + 1, n_k, n_c), dtype=np.int64)
    year_index = (day_years - start.year)[day]
    _bincount3(counts, year_index, dist, cat)
    del minutes, day, known, dist, cat, place, source, description, ext_seq, lat, lon, has_coord, year_index

    con.register("demo_staged", staged)
    try:
        con.execute(f"""
            INSERT INTO events
            SELECT id, occurred_at, time_known, district, place, category, description, source,
                   external_id, lat, lon, NULL, {db.DEDUP_KEY_SQL}
            FROM (
                SELECT id, occurred_at::TIMESTAMP AS occurred_at, time_known,
                       district::VARCHAR AS district, place::VARCHAR AS place,
                       category::VARCHAR AS category, description::VARCHAR AS description,
                       source::VARCHAR AS source,
                       ext_prefix::VARCHAR || CASE WHEN ext_seq < 1000000 THEN lpad(ext_seq::VARCHAR, 6, '0')
                                                   ELSE ext_seq::VARCHAR END AS external_id,
                       lat, lon
                FROM demo_staged
            )
        """)
    finally:
        con.unregister("demo_staged")
    return counts


def _bincount3(out: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    _, n_b, n_c = out.shape
    flat = (a.astype(np.int64) * n_b + b) * n_c + c
    out += np.bincount(flat, minlength=out.size).reshape(out.shape)
