"""meeting.edits' table diffs: what changed between a table the Möte page drew and the table as the
user left it, worked out by hand for each case. The writes themselves are tested against a real
database in tests/test_meetings.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from trygghet.meeting import edits
from trygghet.meeting.records import FocusPlace, Participant

END = dt.date(2026, 12, 31)


def followup(*rows: tuple[str, str, object, object]) -> pd.DataFrame:
    """The follow-up table as drawn: id, status, end date, comment (the other columns are read-only)."""
    return pd.DataFrame(rows, columns=["Insats-ID", "Status", "Slut", "Kommentar"]).assign(Insats="x")


# ---------------------------------------------------------------- the follow-up table


def test_an_untouched_follow_up_table_changes_nothing() -> None:
    drawn = followup(("A", "Pågående", END, "Pågår"), ("B", "Planerad", None, ""))
    assert edits.followup_edits(drawn, drawn.copy()) == {}


def test_each_changed_cell_is_one_change_of_its_intervention() -> None:
    drawn = followup(("A", "Pågående", END, "Pågår"), ("B", "Planerad", None, ""), ("C", "Pågående", END, ""))
    after = followup(("A", "Avslutad", END, "Pågår"),
                     ("B", "Planerad", dt.date(2027, 1, 15), "Startar i januari"),
                     ("C", "Pågående", None, ""))
    assert edits.followup_edits(drawn, after) == {
        "A": {"status": "Avslutad"},
        "B": {"end_date": dt.date(2027, 1, 15), "comment": "Startar i januari"},
        "C": {"end_date": None},  # an end date removed is a change to empty
    }


def test_empty_cells_are_equal_whether_none_nan_or_nat() -> None:
    drawn = followup(("A", "Pågående", None, ""), ("B", "Planerad", pd.NaT, ""))
    after = followup(("A", "Pågående", pd.NaT, None), ("B", "Planerad", np.nan, np.nan))
    assert edits.followup_edits(drawn, after) == {}


def test_a_comment_differing_only_in_surrounding_space_is_unchanged() -> None:
    drawn = followup(("A", "Pågående", END, "Pågår"))
    assert edits.followup_edits(drawn, followup(("A", "Pågående", END, "  Pågår \n"))) == {}
    assert edits.followup_edits(drawn, followup(("A", "Pågående", END, "Pågår ej"))) == {"A": {"comment": "Pågår ej"}}


def test_an_emptied_status_is_no_change() -> None:
    drawn = followup(("A", "Pågående", END, ""))
    assert edits.followup_edits(drawn, followup(("A", None, END, ""))) == {}


def test_rows_are_matched_on_the_id_and_a_row_in_one_table_only_changes_nothing() -> None:
    drawn = followup(("A", "Pågående", END, ""), ("B", "Planerad", None, ""))
    # Sorted the other way round, B's status changed, A removed and a new row added.
    after = followup(("B", "Pågående", None, ""), ("NY", "Planerad", None, "Ny rad"))
    assert edits.followup_edits(drawn, after) == {"B": {"status": "Pågående"}}


# ---------------------------------------------------------------- decisions marked done


def test_ticked_and_unticked_decisions() -> None:
    ids = [11, 12, 13, 14]
    before = [False, True, False, True]
    after = [True, False, False, True]
    assert edits.decisions_marked(ids, before, after) == ([11], [12])
    assert edits.decisions_marked(ids, before, before) == ([], [])


# ---------------------------------------------------------------- focus places


def focus_table(*rows: tuple[object, object, object]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Stadsdel", "Plats", "Anledning"])


STORED = [FocusPlace("Norrby", "Torget", "Klotter"), FocusPlace("Hamnen", None, None)]


def test_the_focus_table_as_stored_is_no_change() -> None:
    # The page draws a whole-district place as an empty text; an empty reason likewise.
    assert edits.edited_focus_places(STORED, focus_table(("Norrby", "Torget", "Klotter"), ("Hamnen", "", ""))) is None
    assert edits.edited_focus_places(STORED, focus_table(("Norrby", "Torget", "Klotter"),
                                                         ("Hamnen", None, np.nan))) is None


def test_an_added_changed_or_removed_focus_place_is_saved_as_the_whole_list() -> None:
    added = focus_table(("Norrby", "Torget", "Klotter"), ("Hamnen", "", ""), ("Centrum", "Stationen", "Bråk"))
    assert edits.edited_focus_places(STORED, added) == [*STORED, FocusPlace("Centrum", "Stationen", "Bråk")]
    changed = focus_table(("Norrby", "Torget", "Klotter och bränder"), ("Hamnen", "", ""))
    assert edits.edited_focus_places(STORED, changed) == [FocusPlace("Norrby", "Torget", "Klotter och bränder"),
                                                          STORED[1]]
    removed = focus_table(("Hamnen", "", ""))
    assert edits.edited_focus_places(STORED, removed) == [STORED[1]]
    assert edits.edited_focus_places(STORED, focus_table()) == []


def test_a_focus_row_without_a_district_is_left_out() -> None:
    table = focus_table(("Norrby", "Torget", "Klotter"), ("Hamnen", "", ""), (None, "Parken", "Ny rad"),
                        ("", "Parken", ""))
    assert edits.edited_focus_places(STORED, table) is None


# ---------------------------------------------------------------- participants


def test_participants_from_the_table_are_trimmed_and_rows_without_an_organisation_dropped() -> None:
    table = pd.DataFrame([(" Polis ", " Kommunpolis "), ("Skola", None), (None, "Rektor"), ("  ", "Ingen"),
                          ("Kommun", np.nan)], columns=["Organisation", "Roll"])
    assert edits.participants_from(table) == [Participant("Polis", "Kommunpolis"), Participant("Skola", ""),
                                              Participant("Kommun", "")]


def test_the_end_date_edited_as_text_changes_only_when_it_differs() -> None:
    # The Möte page edits the end date as text, so that a missing one is an empty cell (never 'None').
    drawn = followup(("A", "Pågående", "", ""), ("B", "Pågående", "2026-10-14", ""), ("C", "Pågående", "", ""))
    after = followup(("A", "Pågående", "2027-01-15", ""), ("B", "Pågående", "  ", ""), ("C", "Pågående", None, ""))
    assert edits.followup_edits(drawn, after) == {"A": {"end_date": "2027-01-15"}, "B": {"end_date": None}}
