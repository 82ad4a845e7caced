"""pyarrow for the import's worker processes, without pandas.

pyarrow looks for pandas at its first conversion of Python values and imports it when it is
installed: about 0.4 s of CPU, the largest single cost of a command-line import after the workbook
reader itself. A worker that never hands pandas objects to Arrow declares so with
`pandas_free_process`; `load` then lets Arrow's first look find no pandas. Should the process import
pandas later and ask Arrow for a pandas object (`to_pandas`), Arrow looks again and finds it.
"""

from __future__ import annotations

import sys
from types import ModuleType

_pandas_free = False


def pandas_free_process() -> None:
    """Declares that this process converts no pandas objects with Arrow (the import's workers)."""
    global _pandas_free
    _pandas_free = True


def load() -> ModuleType:
    """pyarrow, imported where it is first needed, so that a worker reading a large workbook has not
    yet loaded it while the workbook reader needs the memory."""
    import pyarrow as pa

    if _pandas_free and "pandas" not in sys.modules:
        _look_without_pandas(pa)
    return pa


def _look_without_pandas(pa: ModuleType) -> None:
    shim = getattr(getattr(pa, "lib", None), "_pandas_api", None)
    if shim is None:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # `import pandas` raises ImportError meanwhile
    try:
        shim.have_pandas  # noqa: B018  # Arrow's one look for pandas, which it remembers
    except Exception:  # a pyarrow without this shim: it simply imports pandas itself later
        pass
    finally:
        if sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]
