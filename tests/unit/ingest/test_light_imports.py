"""The command line hands an import to its worker and prints what comes back: it loads neither the
readers and validation (with NumPy) nor pandas, and the report it unpickles needs none of them."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

from trygghet.ingest.file_report import FileError, FileReport, RowError, SheetReport


def test_the_command_line_loads_no_reader_validation_numpy_or_pandas() -> None:
    report = FileReport("a.xlsx", "imported", [SheetReport("Händelser", "events", 1, {}, [], 3, 2, imported=2,
                                                            rejected=1, errors=[RowError(3, "Datum", "fel")])])
    code = textwrap.dedent("""
        import pickle, sys
        import trygghet.cli
        report = pickle.loads(sys.stdin.buffer.read())
        heavy = [m for m in ("numpy", "pandas", "pyarrow", "trygghet.ingest.reader", "trygghet.ingest.importer",
                             "trygghet.ingest.validate", "stdnum") if m in sys.modules]
        print(heavy, report.totals()["rejected"], report.sheets[0].errors[0].column)
    """)
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(report), capture_output=True, check=True)
    assert done.stdout.decode().strip() == "[] 1 Datum"


def test_the_report_classes_are_the_ones_the_importer_and_reader_use() -> None:
    from trygghet.ingest import importer, reader, validate

    assert importer.FileReport is FileReport and importer.SheetReport is SheetReport
    assert validate.RowError is RowError and reader.FileError is FileError
