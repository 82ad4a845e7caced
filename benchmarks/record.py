"""What each page asks the database, recorded by running the real page under AppTest.

The page list comes from app.py and the queries from the pages themselves, so the query
benchmark can never drift from what the app does: `cache.query(fn, db, *args)` is wrapped to
note `(fn, args)`, and `Database.read` is wrapped to catch reads made outside `cache.query`
(the banner's status, the Data page's upload history, the template's lists …). A read outside
`cache.query` whose caller is a module-level function taking the Database first is replayable as
`fn(db, *args)`; any other one is listed with its time as "not replayed", so it shows up.

Each page is run once per filter variant (see `variants`), chosen through the URL exactly as a
bookmark would: one, three or all districts, and a trend period of one week or one year, each
variant on its own ISO week so that no two variants ask the same question.
"""

from __future__ import annotations

import ast
import datetime as dt
import pickle
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

from .common import APP, ROOT, apptest, exception_text

# (kind, module, function name, args, kwargs); kind "con": fn(con, *args) inside db.read()
# like cache.query does; kind "db": fn(db, *args, **kwargs), an uncached read made by the page itself.
Call = tuple[str, str, str, tuple, dict]


@dataclass(frozen=True)
class AppPage:
    file: str
    title: str
    url_path: str
    default: bool


def app_pages() -> list[AppPage]:
    """The pages app.py hands to st.navigation, read from its source, in menu order."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    found: list[tuple[int, AppPage]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        file = str(node.args[0].value)
        found.append((node.lineno, AppPage(file, str(kw.get("title", Path(file).stem)),
                                           str(kw.get("url_path", Path(file).stem)), bool(kw.get("default", False)))))
    return [page for _, page in sorted(found, key=lambda item: item[0])]


def variants(districts: list[str], today: dt.date, count: int = 6) -> list[dict]:
    """The filter variants: {1, 3, all} districts × a period of {one week, one year}, each on its own
    ISO week (the latest complete one, then one week further back per variant)."""
    from trygghet.core.periods import latest_complete_week

    latest = latest_complete_week(today)
    one, three, every = ("1 stadsdel", tuple(districts[:1])), ("3 stadsdelar", tuple(districts[1:4])), ("alla", ())
    # Interleaved, so that a quick run's first two variants already differ in both respects.
    order = [(one, "vecka"), (every, "år"), (three, "vecka"), (one, "år"), (every, "vecka"), (three, "år")]
    out = []
    for i, ((label, chosen), span) in enumerate(order):
        week = latest.shift(-i)
        end = week.sunday()
        start = week.monday() if span == "vecka" else end - dt.timedelta(days=364)
        out.append({"name": f"{label}, {span}", "districts": list(chosen), "week": str(week),
                    "start": start.isoformat(), "end": end.isoformat()})
    return out[:count]


def query_params(variant: dict) -> dict[str, object]:
    params: dict[str, object] = {"vecka": variant["week"], "fran": variant["start"], "till": variant["end"]}
    if variant["districts"]:
        params["stadsdel"] = list(variant["districts"])
    return params


# ---------------------------------------------------------------- recording (a child process)


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.seen: set[bytes] = set()
        self.unreplayed: list[tuple[str, float]] = []
        self.inside = 0

    def reset(self) -> None:
        self.calls, self.seen, self.unreplayed, self.inside = [], set(), [], 0


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # anything unpicklable is simply not replayable
        return False
    return True


def _is_streamlit(value: object) -> bool:
    return isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == "streamlit"


class _TimedRead:
    def __init__(self, inner: object, recorder: _Recorder, label: str) -> None:
        self.inner, self.recorder, self.label = inner, recorder, label

    def __enter__(self) -> object:
        self.started = time.perf_counter()
        return self.inner.__enter__()  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> object:
        result = self.inner.__exit__(*exc)  # type: ignore[attr-defined]
        self.recorder.unreplayed.append((self.label, time.perf_counter() - self.started))
        return result


def _install(recorder: _Recorder) -> None:
    from trygghet.store.db import Database
    from trygghet.ui import cache
    original_query = cache.query
    original_read = Database.read

    def query(fn: object, db: object, *args: object) -> object:
        call: Call = ("con", fn.__module__, fn.__name__, tuple(args), {})  # type: ignore[attr-defined]
        key = pickle.dumps(call[1:4])
        if key not in recorder.seen:  # a repeat within one run is a Streamlit cache hit in the app
            recorder.seen.add(key)
            recorder.calls.append(call)
        recorder.inside += 1
        try:
            return original_query(fn, db, *args)
        finally:
            recorder.inside -= 1

    def read(self: Database) -> object:
        cm = original_read(self)
        if recorder.inside:
            return cm
        frame = sys._getframe(1)
        code = frame.f_code
        fn = frame.f_globals.get(code.co_name)
        module = frame.f_globals.get("__name__", "?")
        if fn is not None and getattr(fn, "__code__", None) is code:
            names = code.co_varnames[: code.co_argcount]
        else:
            names = ()
        kwonly = code.co_varnames[code.co_argcount: code.co_argcount + code.co_kwonlyargcount]
        # A function that also draws (uses st.*) is not a query: its read is timed, not replayed.
        draws = any(_is_streamlit(frame.f_globals.get(n)) for n in code.co_names) or any(
            _is_streamlit(v) for v in frame.f_locals.values())
        if names and not draws and isinstance(frame.f_locals.get(names[0]), Database):
            args = tuple(frame.f_locals[n] for n in names[1:])
            kwargs = {n: frame.f_locals[n] for n in kwonly}
            if _picklable((args, kwargs)):
                recorder.calls.append(("db", module, code.co_name, args, kwargs))
                return cm
        return _TimedRead(cm, recorder, f"{module}.{getattr(code, 'co_qualname', code.co_name)}")

    cache.query = query
    Database.read = read  # type: ignore[method-assign]


def record(db_path: Path, out_file: Path, page_files: list[str] | None, variant_count: int) -> dict:
    import streamlit as st

    from trygghet.analysis import queries
    from trygghet.core import clock
    from trygghet.store.db import Database

    with Database(db_path).read() as con:
        districts = queries.reference_lists(con)["districts"]
    today = clock.today()
    chosen = variants(districts, today, variant_count)
    recorder = _Recorder()
    _install(recorder)
    pages = [p for p in app_pages() if page_files is None or p.file in page_files]
    calls: dict[str, dict[str, list[Call]]] = {}
    unreplayed: dict[str, dict[str, list[tuple[str, float]]]] = {}
    errors: dict[str, str] = {}
    for page in pages:
        at = apptest(db_path)
        at.switch_page(page.file)
        calls[page.file], unreplayed[page.file] = {}, {}
        for variant in chosen:
            st.cache_data.clear()  # so that cached reads (status, damage check) are seen on every page
            recorder.reset()
            at.query_params = query_params(variant)
            at.run()
            if at.exception:
                errors[page.file] = exception_text(at)
                break
            calls[page.file][variant["name"]] = list(recorder.calls)
            unreplayed[page.file][variant["name"]] = list(recorder.unreplayed)
    result = {"db": str(db_path), "today": today.isoformat(), "variants": chosen,
              "pages": [p.__dict__ for p in pages], "calls": calls, "unreplayed": unreplayed, "errors": errors}
    out_file.write_bytes(pickle.dumps(result))
    return {
        # Relative to the project: results.json is committed and names no machine's folders.
        "file": out_file.resolve().relative_to(ROOT).as_posix() if out_file.resolve().is_relative_to(ROOT)
        else out_file.name,
        "pages": len(pages),
        "variants": len(chosen),
        "calls": {p: max((len(c) for c in v.values()), default=0) for p, v in calls.items()},
        "errors": errors,
    }


def load(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    return pickle.loads(path.read_bytes())


def main() -> None:
    import argparse

    from .common import emit

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out-file", type=Path, required=True)
    parser.add_argument("--pages", default="", help="comma-separated page files (default: every page)")
    parser.add_argument("--variants", type=int, default=6)
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p] or None
    emit(record(args.db, args.out_file, pages, args.variants))


if __name__ == "__main__":
    main()
