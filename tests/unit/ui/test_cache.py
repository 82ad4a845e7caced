"""ui.cache: a query's results are cached under its function's name, so only a function whose name is
its own may be cached; lambdas, functions made inside others and partials are refused."""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pytest

from trygghet.store import reference_lists
from trygghet.store.db import Database, add_district, init_database
from trygghet.ui import cache


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "t.duckdb")
    init_database(database)
    with database.write() as con:
        add_district(con, "Norrby")
    return database


def test_functions_at_the_top_of_a_module_are_cached_each_under_its_own_name(db: Database) -> None:
    assert cache.cache_key(reference_lists.districts) == "trygghet.store.reference_lists.districts"
    assert cache.query(reference_lists.districts, db) == ["Norrby"]
    assert cache.query(reference_lists.organisations, db) != ["Norrby"]


def test_two_lambdas_are_refused_instead_of_sharing_one_entry(db: Database) -> None:
    # Both would be "tests.unit.ui.test_cache.<lambda>": the second would get the first's rows.
    with pytest.raises(TypeError, match="top level of a module or class"):
        cache.query(lambda con: "första", db)
    with pytest.raises(TypeError, match="top level of a module or class"):
        cache.query(lambda con: "andra", db)


def test_a_function_made_inside_another_is_refused(db: Database) -> None:
    def names(con: duckdb.DuckDBPyConnection) -> list[str]:
        return reference_lists.districts(con)

    with pytest.raises(TypeError, match="<locals>"):
        cache.query(names, db)


def test_a_partial_is_refused_with_its_arguments_to_be_passed_instead(db: Database) -> None:
    with pytest.raises(TypeError, match=r"query\(fn, db, \*args\)"):
        cache.query(functools.partial(reference_lists.districts), db)
