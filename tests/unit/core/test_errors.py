"""Every error a user is meant to read is a UserError, and the UI shows it as plain text."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from streamlit.testing.v1 import AppTest

import trygghet
from trygghet.core.errors import UserError
from trygghet.core.text import WORD_JOINER
from trygghet.store import installation_settings as settings
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

HOSTILE = "Filen **x.xlsx** kan inte läsas: <b>fel</b> [länk](http://127.0.0.1:9/) :red[röd] $x$"


def error_classes() -> dict[str, type[BaseException]]:
    """Every public exception class defined in the package, by its module and name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(trygghet.__path__, "trygghet."):
        if info.name == "trygghet.__main__":  # running it is its whole job
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == info.name
                    and not name.startswith("_")):
                found[f"{info.name}.{name}"] = value
    return found


def test_every_public_error_class_is_a_user_error() -> None:
    classes = error_classes()
    names = {qualified.rsplit(".", 1)[1] for qualified in classes}
    # The walk reached the errors the product is known to raise at its users.
    assert {"AccessDenied", "AccountsUnreadable", "DatabaseBusy", "ClockError", "FileError", "SheetError",
            "UndoError", "MeetingError", "FetchError"} <= names
    outside = sorted(qualified for qualified, cls in classes.items() if not issubclass(cls, UserError))
    assert not outside, f"error classes that are not UserError: {outside}"


def test_the_message_is_the_first_argument() -> None:
    assert UserError("Välj en stadsdel.").message == "Välj en stadsdel."
    assert UserError().message == ""


def test_an_unknown_setting_is_refused_as_a_user_error_that_names_the_choices(database: Database) -> None:
    # The Admin page shows a UserError's message; any other error is a fault with the generic message.
    with pytest.raises(UserError) as caught:
        settings.set_pii_policy(database, "visa allt", COMMAND_LINE)
    assert "'visa allt'" in caught.value.message
    assert all(label in caught.value.message for label in settings.PII_POLICIES.values())
    assert settings.pii_policy(database) == "mask"


def shown(markdown: str) -> str:
    """What a CommonMark reader shows for text that holds only backslash escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("  \n", "\n").replace(WORD_JOINER, "")


def _page(message: str) -> None:
    from trygghet.core.errors import UserError
    from trygghet.ui.errors import show_error, show_warning

    try:
        raise UserError(message)
    except UserError as exc:
        show_error(exc)
    show_warning(message)


def test_show_error_and_show_warning_render_the_message_as_plain_text() -> None:
    at = AppTest.from_function(_page, args=(HOSTILE,), default_timeout=30).run()
    assert not at.exception
    assert [e.icon for e in at.error] == [":material/error:"]
    assert [w.icon for w in at.warning] == [":material/warning:"]
    for body in (at.error[0].value, at.warning[0].value):
        assert body != HOSTILE  # the Markdown source is escaped ...
        assert not re.search(r"(?<!\\)[*<>\[\]$:]", body.replace("\\\\", "")), body
        assert shown(body) == HOSTILE  # ... and reads as the message typed
