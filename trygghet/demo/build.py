"""A demo database for a fictional municipality, Solvik: fast, deterministic and realistic enough
that every dashboard has something to show. `build_demo` writes the whole file: the reference
lists and districts, priority areas and interventions, the events, the counts and the surveys.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dt_time
from pathlib import Path

import duckdb
import numpy as np

from trygghet.core import clock
from trygghet.core import initial_lists as defaults
from trygghet.core.formatting import fmt_int
from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.demo import events as demo_events
from trygghet.demo.interventions import Intervention, insert_interventions, insert_priority_areas, plan_interventions
from trygghet.demo.lagesbild import insert_lagesbild
from trygghet.demo.meetings import insert_meetings
from trygghet.demo.places import DISTRICTS, MUNICIPALITY, POLICE_AREA
from trygghet.demo.reporters import insert_reporters
from trygghet.demo.survey import insert_survey
from trygghet.store import db, event_counts

EVENTS_PER_YEAR = 14_000
DEMO_STEPS = 6


@dataclass(frozen=True)
class DemoSummary:
    """What build_demo wrote. effective_interventions names the interventions whose categories the
    generator really lowered in their district, the key to check an effect chart against."""

    path: Path
    seed: int
    events: int
    interventions: int
    districts: int
    start: date
    end: date
    seconds: float
    # Kept out of repr so the CLI's one-line summary stays readable.
    effective_interventions: tuple[str, ...] = field(default=(), repr=False)


def build_demo(
    path: Path,
    *,
    seed: int = 7,
    events: int | None = None,
    end: date | None = None,
    years: int = 2,
    progress: ProgressCallback | None = None,
) -> DemoSummary:
    """Writes a fresh demo database for Solviks kommun to path, replacing any file there.
    `progress` hears each step of the build."""
    started = time.perf_counter()
    path = Path(path)
    end = end or clock.today()
    if years < 0:
        raise ValueError("years must be zero or more")
    if events is not None and events < 0:
        raise ValueError("events must be zero or more")
    start = date(end.year - years, 1, 1)
    days = (end - start).days + 1
    total = round(EVENTS_PER_YEAR * days / 365.25) if events is None else int(events)

    db.remove_database_files(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    try:
        con = duckdb.connect(str(path))
        try:
            interventions = _fill(con, rng, seed, start, end, total, reporter(progress))
        finally:
            con.close()
    except BaseException:
        # Half a demo database would pass for a whole one on the next start.
        db.remove_database_files(path)
        raise

    return DemoSummary(
        path=path,
        seed=seed,
        events=total,
        interventions=len(interventions),
        districts=len(DISTRICTS),
        start=start,
        end=end,
        seconds=round(time.perf_counter() - started, 3),
        effective_interventions=tuple(i.id for i in interventions if i.effect is not None),
    )


def _fill(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, seed: int, start: date, end: date, total: int,
    steps: Reporter | None = None,
) -> list[Intervention]:
    steps = steps or Reporter()

    def step(number: int, name: str) -> None:
        steps.stage(name, DEMO_STEPS, unit="steg", done=number - 1)

    # A terminal progress bar from inside the app or the tests is only noise.
    con.execute("SET enable_progress_bar = false")
    categories = [name for name, _group, _description in defaults.CATEGORIES]
    step(1, "Skapar tabellerna och Solviks stadsdelar")
    db.create_schema(con)
    db.seed_reference_lists(con)
    for d in DISTRICTS:
        db.add_district(con, d.name, police_area=POLICE_AREA, municipality=MUNICIPALITY,
                        neighbourhoods=list(d.neighbourhoods))
    step(2, "Planerar prioriterade områden och insatser")
    insert_priority_areas(con, start, end)
    interventions = plan_interventions(rng, start, end)
    insert_interventions(con, interventions)
    step(3, f"Skapar {fmt_int(total)} händelser")
    counts = demo_events.generate_events(con, rng, start, end, total, categories, interventions)
    step(4, "Räknar händelserna per dag")
    event_counts.rebuild(con)
    step(5, "Skapar trygghetsmätningar och lägesbildens material")
    insert_survey(con, rng, start, end, categories, counts)
    insert_lagesbild(con, seed, start, end)
    insert_reporters(con, seed, end)
    insert_meetings(con, seed, start, end)
    db.set_meta(con, "is_demo", "1")
    db.set_meta(con, "municipality", MUNICIPALITY)
    db.set_meta(con, "demo_seed", str(seed))
    # The demo's clock is its end date, so two builds with the same seed hold the same content.
    con.execute("UPDATE data_version SET version = 1, updated_at = ?",
                [datetime.combine(end, dt_time(23, 59))])
    step(6, "Sparar databasen")
    con.execute("CHECKPOINT")
    steps.finish()
    return interventions
