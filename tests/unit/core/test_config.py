"""Every setting an installation may change is read in trygghet/core/config.py and listed there."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest

from trygghet.core import clock, config
from trygghet.store import access, retention, snapshots

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"TRYGGHET_[A-Z0-9_]*[A-Z0-9]")
README_HEADING = "Inställningar (miljövariabler)"


def product_sources() -> list[Path]:
    return [*sorted((ROOT / "trygghet").rglob("*.py")), ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def defined() -> set[str]:
    return {v.name for v in config.VARIABLES}


def test_every_variable_the_product_names_is_defined_in_config() -> None:
    named = {(name, str(path.relative_to(ROOT)))
             for path in product_sources() for name in NAME.findall(path.read_text(encoding="utf-8"))}
    assert len({name for name, _ in named}) >= 10  # the scan found the product's names at all
    missing = sorted((name, where) for name, where in named if name not in defined())
    assert not missing, f"named outside config.VARIABLES: {missing}"


def test_each_variable_has_a_default_and_a_one_line_meaning() -> None:
    names = [v.name for v in config.VARIABLES]
    assert len(names) == len(set(names))
    for variable in config.VARIABLES:
        assert variable.default.strip() and variable.meaning.strip(), variable.name
        assert "\n" not in variable.meaning and "|" not in variable.meaning, variable.name
    table = config.markdown_table().splitlines()
    assert table[0] == "| Variabel | Standard | Betydelse |"
    assert len(table) == 2 + len(config.VARIABLES)


def test_the_readme_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if README_HEADING not in readme:
        pytest.skip(f"README.md has no section '{README_HEADING}' with the table of config.VARIABLES yet")
    missing = sorted(name for name in defined() if name not in readme)
    assert not missing, f"README.md does not mention {missing}"


def test_unset_variables_give_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in defined() - {config.TODAY}:
        monkeypatch.delenv(name, raising=False)
    assert config.database_file() == Path("data") / "trygghet.duckdb"
    assert access.users_file() == Path("data") / "anvandare.toml"
    assert (retention.retention_days(), snapshots.keep_count(), snapshots.retention_days()) == (90, 20, 30)
    assert config.Limits.from_env() == config.Limits()
    assert config.charts_in_documents() and not config.bundled_pdf_font_only() and not config.raise_errors()
    assert config.map_tiles() == config.MapTiles(url=None, attribution="", problem=None)
    assert config.worker_parent() is None


def test_values_are_read_where_the_product_asks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.USERS, str(tmp_path / "konton.toml"))
    monkeypatch.setenv(config.ARCHIVE_DAYS, "7")
    monkeypatch.setenv(config.SNAPSHOTS, " 3 ")
    monkeypatch.setenv(config.SNAPSHOT_DAYS, "0")  # keeping nothing at all is never meant
    monkeypatch.setenv(config.MAX_FILE_MB, "5")
    monkeypatch.setenv(config.READ_WALL_SECONDS, "12")
    monkeypatch.setenv(config.CHARTS, " Nej ")
    monkeypatch.setenv(config.MAP_TILES, " https://kartor.example/{z}/{x}/{y}.png ")
    monkeypatch.setenv(config.MAP_ATTRIBUTION, "© Kommunen")
    assert access.users_file() == tmp_path / "konton.toml"
    assert (retention.retention_days(), snapshots.keep_count(), snapshots.retention_days()) == (7, 3, 1)
    limits = config.Limits.from_env()
    assert (limits.max_file_bytes, limits.read_wall_seconds) == (5 * 2**20, 12)
    assert not config.charts_in_documents()
    assert config.map_tiles() == config.MapTiles(
        url="https://kartor.example/{z}/{x}/{y}.png", attribution="© Kommunen", problem=None)


def test_a_number_that_is_not_one_keeps_the_default_and_the_log_says_so_in_swedish(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(config, "_warned", set())  # each bad value is logged once per process
    monkeypatch.setenv(config.SNAPSHOTS, "tjugo")
    monkeypatch.setenv(config.MAX_ROWS, "1e6")
    with caplog.at_level(logging.WARNING, logger="trygghet.core.config"):
        assert snapshots.keep_count() == 20
        assert config.Limits.from_env().max_rows_per_sheet == config.Limits().max_rows_per_sheet
    messages = [r.getMessage() for r in caplog.records]
    assert any("TRYGGHET_SNAPSHOTS" in m and "'tjugo'" in m and "inte är ett heltal" in m and "20" in m
               for m in messages), messages
    assert any("TRYGGHET_MAX_ROWS" in m and "'1e6'" in m for m in messages), messages


def test_a_tile_address_without_its_placeholders_is_not_used_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.MAP_TILES, "https://kartor.example/tiles.png")
    tiles = config.map_tiles()
    assert tiles.url is None
    assert tiles.problem is not None and "TRYGGHET_MAP_TILES saknar {z}, {x} eller {y}" in tiles.problem


def test_a_day_that_does_not_exist_is_refused_in_swedish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.TODAY, "2027-02-29")
    with pytest.raises(clock.ClockError) as caught:
        config.pinned_day()
    assert "TRYGGHET_TODAY" in caught.value.message and "ÅÅÅÅ-MM-DD" in caught.value.message
    monkeypatch.setenv(config.TODAY, "2028-02-29")
    assert clock.today() == dt.date(2028, 2, 29)
