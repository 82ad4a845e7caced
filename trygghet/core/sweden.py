"""Sweden's bounding box: what counts as a plausible coordinate for the map and the counts.

Kept below both the store (the daily counts sum the coordinates inside it) and the analysis (the
map checks uploaded boundaries against it), so neither has to import the other.
"""

from __future__ import annotations

# A generous box around Sweden (55.3–69.1 N, 10.9–24.2 E); WGS 84 lon/lat as GeoJSON (RFC 7946) requires.
SWEDEN_LON = (10.0, 25.0)
SWEDEN_LAT = (55.0, 69.5)


def in_sweden_sql() -> str:
    # A stray 0,0 or a swapped pair would drag a district's centre into the sea.
    return (
        f"lat BETWEEN {SWEDEN_LAT[0]} AND {SWEDEN_LAT[1]} AND lon BETWEEN {SWEDEN_LON[0]} AND {SWEDEN_LON[1]}"
    )
