"""What every part of the Möte page needs to know, gathered once per run and passed on: the
database, who is working, what they may do, and the lists the forms offer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from trygghet.core.periods import IsoWeek
from trygghet.meeting.records import Meeting
from trygghet.present import chart_style
from trygghet.store.access import Actor
from trygghet.store.db import Database

PRESENTATION_FONT = 22  # chart text in presentation mode, readable from the back of the room


@dataclass(frozen=True)
class MeetingPage:
    db: Database
    actor: Actor
    can_write: bool  # the role may record, and the session is not a display-only screen
    presenting: bool
    today: dt.date
    reference: Mapping[str, list[str]]  # records.reference: districts, organisations, priority areas, statuses
    meetings: tuple[Meeting, ...]  # every meeting, the latest first

    @property
    def by_id(self) -> dict[int, Meeting]:
        return {m.id: m for m in self.meetings}

    @property
    def this_week(self) -> Meeting | None:
        """The latest meeting held in this ISO week."""
        return next((m for m in self.meetings if IsoWeek.of(m.held_on) == IsoWeek.of(self.today)), None)

    @property
    def chart_font(self) -> int:
        return PRESENTATION_FONT if self.presenting else chart_style.CHART_FONT

    def editable(self, meeting: Meeting) -> bool:
        """A closed meeting is not changed by mistake; it can be opened again."""
        return self.can_write and not meeting.closed
