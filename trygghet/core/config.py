"""Limits and settings that an installation may change through environment variables."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024
    # A zip whose contents unpack to more than this is refused before it is read.
    max_uncompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: int = 250
    max_rows_per_sheet: int = 1_048_576
    # Cells that hold something, counted over all sheets of a file before any of them is read.
    max_cells: int = 30_000_000
    # The rectangles the workbook reader allocates (A1 to the farthest filled cell), summed over
    # all sheets: empty cells inside them cost memory too.
    max_area_cells: int = 60_000_000
    # A sheet whose rectangle is this many times its filled cells (and over a million cells) has a
    # stray cell far out; such a sheet is refused before it is read.
    max_empty_ratio: int = 20
    # The reading worker, a separate process: its address space, CPU time and wall time. A full
    # sheet (1,048,576 rows of ten columns) needs about 2.5 GB of address space there.
    read_memory_mb: int = 4096
    read_cpu_seconds: int = 240
    read_wall_seconds: int = 300
    # JSON deeper than this is no police feed (the feed is three levels deep).
    max_json_depth: int = 64

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            max_file_bytes=_env_int("TRYGGHET_MAX_FILE_MB", base.max_file_bytes // 2**20) * 2**20,
            max_uncompressed_bytes=_env_int("TRYGGHET_MAX_UNPACKED_MB", base.max_uncompressed_bytes // 2**20)
            * 2**20,
            max_compression_ratio=_env_int("TRYGGHET_MAX_ZIP_RATIO", base.max_compression_ratio),
            max_rows_per_sheet=_env_int("TRYGGHET_MAX_ROWS", base.max_rows_per_sheet),
            max_cells=_env_int("TRYGGHET_MAX_CELLS", base.max_cells),
            max_area_cells=_env_int("TRYGGHET_MAX_AREA_CELLS", base.max_area_cells),
            read_memory_mb=_env_int("TRYGGHET_READ_MEMORY_MB", base.read_memory_mb),
            read_cpu_seconds=_env_int("TRYGGHET_READ_CPU_SECONDS", base.read_cpu_seconds),
            read_wall_seconds=_env_int("TRYGGHET_READ_WALL_SECONDS", base.read_wall_seconds),
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
