"""The README's sheet examples stay true to the importer: same headers, and the example rows import."""

from __future__ import annotations

import re
from pathlib import Path

from trygghet.ingest.sheetspec import ALL_SPECS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def readme_table(title: str) -> list[list[str]]:
    section = README.split(f"### {title}\n", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return [rows[0], rows[2]]


def test_every_sheet_is_documented_with_the_template_headers_in_order() -> None:
    for spec in ALL_SPECS:
        header, example = readme_table(spec.title)
        assert header == [f.header for f in spec.template_fields], spec.title
        assert len(example) == len(header)


def test_readme_names_the_two_commands_that_ci_uses() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "python3 dev.py app" in README
    test_command = re.search(r"^python3 dev\.py test", README, re.MULTILINE)
    assert test_command and "python3 dev.py test" in ci
