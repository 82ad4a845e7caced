"""Reading the feed's fields: its timestamps, the event's own time and place in `name`,
and whether two spellings name the same municipality or a county."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from trygghet.core.text import clean, fold

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_SUFFIX = re.compile(r"\s+(kommun|stad|municipality)$")


def _municipality_key(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", fold(clean(name))).strip()


def same_municipality(a: str, b: str) -> bool:
    """'Göteborg' == 'goteborg' == 'Göteborgs stad'; 'Borås' == 'Borås stad'; 'Lilla edet' == 'Lilla Edet'."""
    ka, kb = _municipality_key(a), _municipality_key(b)
    if ka == kb:
        return True
    sa, sb = _SUFFIX.sub("", ka), _SUFFIX.sub("", kb)
    suffixed = sa != ka or sb != kb
    return suffixed and (sa == sb or sa == sb + "s" or sb == sa + "s")


def is_county(name: str) -> bool:
    return _municipality_key(name).endswith(" lan")


_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
    r"(?:(Z|UTC)|([+-])(\d{1,2}):?(\d{2}))?\s*$",
    re.IGNORECASE,
)
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")
_NAME_PREFIX = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})\s*,\s*")
_NAME_DATE_ONLY = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s*,\s*")


def parse_feed_datetime(text: object) -> dt.datetime:
    """'2026-08-22 19:51:41 +02:00' (also '9:48:12', 'T', 'Z') as an aware datetime.
    A time without offset is taken as Swedish local time. Raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("tidpunkten saknas")
    m = _DATETIME.match(text)
    if not m:
        raise ValueError(f"tidpunkten '{text}' har inte formen 2026-08-22 19:51:41 +02:00")
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    if m.group(7):
        tz: dt.tzinfo = dt.UTC
    elif m.group(8):
        sign = 1 if m.group(8) == "+" else -1
        offset = dt.timedelta(hours=int(m.group(9)), minutes=int(m.group(10)))
        if offset > dt.timedelta(hours=14):
            raise ValueError(f"tidszonen i '{text}' är orimlig")
        tz = dt.timezone(sign * offset)
    else:
        tz = STOCKHOLM
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        raise ValueError(f"tidpunkten '{text}' finns inte i kalendern") from None


def to_local(moment: dt.datetime) -> dt.datetime:
    """Swedish local time without tzinfo, as occurred_at is stored for every source."""
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def local_time(text: object) -> dt.datetime:
    return to_local(parse_feed_datetime(text))


def time_from_name(name: object, published: dt.datetime) -> dt.datetime | None:
    """The event's own local time from '21 augusti 23.51, …'; the year is the publication's,
    or the year before when the date would otherwise lie after the publication."""
    if not isinstance(name, str):
        return None
    m = _NAME_PREFIX.match(name)
    if not m:
        return None
    month_name = fold(m.group(2))
    if month_name not in MONTHS:
        return None
    day, hour, minute = int(m.group(1)), int(m.group(3)), int(m.group(4))
    month = MONTHS.index(month_name) + 1
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.datetime(year, month, day, hour, minute)
        except ValueError:
            return None
        if candidate <= published + dt.timedelta(days=1):
            return candidate
    return None


def place_from_name(name: object, police_type: object) -> str | None:
    """'22 augusti 17.59, Misshandel, grov, Kävlinge' -> 'Kävlinge' (the part after the type)."""
    if not isinstance(name, str) or not name.strip():
        return None
    rest = name
    m = _NAME_PREFIX.match(rest) or _NAME_DATE_ONLY.match(rest)
    if m:
        rest = rest[m.end():]
    if isinstance(police_type, str) and police_type.strip():
        pattern = r"\s*,?\s*".join(re.escape(part) for part in re.split(r"\s*,\s*|\s+", police_type.strip()))
        t = re.match(rf"^\s*{pattern}\s*,\s*", rest, re.IGNORECASE)
        if t:
            return clean(rest[t.end():]) or None
    if "," in rest:
        return clean(rest.rsplit(",", 1)[1]) or None
    return None
