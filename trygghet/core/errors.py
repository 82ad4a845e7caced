"""The one base class for errors a user is meant to read.

Its message is Swedish, says what is wrong and how to fix it, and is shown as plain text.
Anything else that reaches the UI is a fault in the product and gets the generic message."""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is written for the user, in Swedish."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""
