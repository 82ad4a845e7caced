"""Arrow in the import's workers converts without importing pandas, and still gives pandas objects
once the process imports pandas itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_pandas_free_worker_checks_texts_without_pandas() -> None:
    out = _run("""
        import sys
        from trygghet.core import arrow, privacy
        from trygghet.ingest.field_parsers import _clean_strings
        arrow.pandas_free_process()
        texts = ["Skadegörelse", "ring 070-123 45 67", "BB-2026-000153", "a@b.se"]
        print(privacy.suspect_positions(texts), _clean_strings(["ok", " lead", 5]), "pandas" in sys.modules)
    """)
    assert out == "[1, 3] [True, False, False] False"


def test_pandas_imported_later_still_converts_both_ways() -> None:
    out = _run("""
        from trygghet.core import arrow
        arrow.pandas_free_process()
        pa = arrow.load()
        table = pa.table({"x": pa.array([1, 2], type=pa.int64())})
        import pandas as pd
        back = pa.Table.from_pandas(pd.DataFrame({"y": [3.5]}))
        print(table.to_pandas()["x"].tolist(), back.column("y").to_pylist())
    """)
    assert out == "[1, 2] [3.5]"


def test_without_the_declaration_arrow_keeps_its_own_pandas_handling() -> None:
    out = _run("""
        import sys
        from trygghet.core import arrow
        pa = arrow.load()
        pa.array(["a"])
        print("pandas" in sys.modules)
    """)
    assert out == "True"
