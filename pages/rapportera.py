"""Rapportera: a partner reports an event, or that nothing happened, from a phone (390 × 844).

A rapportör sees only this page and only its own organisation's reports; a redigerare also
reviews the reports waiting for approval. The parts live in trygghet/ui/reporting_form.py."""

from __future__ import annotations

from trygghet.ui import login, reporting_form, shell

login.page_guard(allow_reporter=True)  # before anything else: nothing renders for a session the gate has not let in
reporting_form.page(shell.database(), login.actor())
