"""Limits and settings that an installation may change through environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass


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
    max_cells_per_sheet: int = 60_000_000

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            max_file_bytes=_env_int("TRYGGHET_MAX_FILE_MB", base.max_file_bytes // 2**20) * 2**20,
            max_uncompressed_bytes=_env_int("TRYGGHET_MAX_UNPACKED_MB", base.max_uncompressed_bytes // 2**20)
            * 2**20,
            max_compression_ratio=_env_int("TRYGGHET_MAX_ZIP_RATIO", base.max_compression_ratio),
            max_rows_per_sheet=_env_int("TRYGGHET_MAX_ROWS", base.max_rows_per_sheet),
            max_cells_per_sheet=_env_int("TRYGGHET_MAX_CELLS", base.max_cells_per_sheet),
        )
