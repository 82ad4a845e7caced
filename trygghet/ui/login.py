"""Log-in in the app: OpenID Connect through st.login, local accounts, or an open demo.

The page code asks `login.actor()` who is there; the trygghet write paths check the role
again themselves, so hiding a button is a courtesy, never the protection.

No page renders for a session that has not passed the gate: app.py runs the chosen page
inside `through_gate`, and every page's first call, `page_guard`, stops the run otherwise.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.errors import StreamlitAPIException

from trygghet.core.text import md_literal
from trygghet.store import access, login_throttle
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.ui.meeting.state import presentation_on

if TYPE_CHECKING:
    from streamlit.navigation.page import StreamlitPage

_ACTOR = "login_actor"
_DISPLAY = "login_display_only"
_RESTARTED = "login_page_restarted"
DISPLAY_PARAM = "visning"
log = logging.getLogger("trygghet")


def _secrets() -> dict[str, object]:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets.toml: an unconfigured installation
        return {}


def _oidc_configured() -> bool:
    return "auth" in _secrets()


access.register_login_check("oidc", _oidc_configured)


def mode() -> str:
    """'oidc' when [auth] is configured in secrets.toml, 'local' when the accounts file exists
    (with no accounts left, or unreadable, nobody gets in), otherwise 'open'."""
    if _oidc_configured():
        return "oidc"
    return "local" if access.users_file().exists() else "open"


# ---------------------------------------------------------------- the projector's display mode


def display_only() -> bool:
    """The projector's read-only display. ?visning=1 turns it on, and it stays on for the session
    (whatever the URL later says) until someone logs out and in again."""
    if st.query_params.get(DISPLAY_PARAM) == "1":
        st.session_state[_DISPLAY] = True
    return bool(st.session_state.get(_DISPLAY, False))


def _keep_display_in_url() -> None:
    """A reload or a copied link of a display session stays a display."""
    if display_only() and st.query_params.get(DISPLAY_PARAM) != "1":
        st.query_params[DISPLAY_PARAM] = "1"


def _leave_display() -> None:
    st.session_state.pop(_DISPLAY, None)
    if DISPLAY_PARAM in st.query_params:
        del st.query_params[DISPLAY_PARAM]


# ---------------------------------------------------------------- who is there


def actor() -> Actor:
    """Who is using the app in this session, with the rights the account has now: a removed local
    account is logged out on its next run, a changed role applies at once, and the open demo ends
    as soon as a log-in is configured."""
    found = st.session_state.get(_ACTOR, access.NOBODY)
    now = access.current(found)
    if now.role is None and found.role is not None:
        st.session_state.pop(_ACTOR, None)
    return now.on_display() if display_only() and now.role is not None else now


def dashboards_ahead() -> bool:
    """Whether this session is about to see the dashboards: the app is open, or someone other than a
    rapportör is logged in. Read before the gate, from the session alone (no database), so that the
    browser can start loading the charts' code at the very start of the run (chunk_preload); a log-in
    form or a rapportör's phone is not made to load it."""
    if mode() == "open":
        return True
    current = actor()
    return current.role is not None and not current.is_reporter


def gate(db: Database, pages: Sequence[StreamlitPage]) -> Actor:
    """Lets the session in or stops the script at a log-in form. `pages` are app.py's pages: while
    the form shows they are registered with a hidden menu, so that the address keeps its page and
    no menu from before (Streamlit's old multipage mode lists the page files) stays on screen."""
    st.session_state.pop(_RESTARTED, None)
    _keep_display_in_url()
    current = mode()
    if current == "open":
        st.session_state[_ACTOR] = access.OPEN_DEMO
        return actor()
    if current == "oidc":
        return _gate_oidc(pages)
    return _gate_local(db, pages)


def _log_in_screen(pages: Sequence[StreamlitPage]) -> None:
    st.navigation(list(pages), position="hidden")
    st.title("Lägesbild")


def _gate_local(db: Database, pages: Sequence[StreamlitPage]) -> Actor:
    if actor().role is not None:
        return actor()
    _log_in_screen(pages)
    try:
        access.accounts_now()
    except access.AccountsUnreadable:
        log.exception("Kontofilen kan inte läsas")
        st.error("Inloggningen fungerar inte just nu: kontofilen kan inte läsas. "
                 "Be den som förvaltar appen att rätta den.", icon=":material/error:")
        st.stop()
    with st.form("inloggning"):
        st.header("Logga in")
        name = st.text_input("Användarnamn", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        if st.form_submit_button("Logga in", type="primary"):
            found, message = attempt_login(db, name, password)
            if found is None:
                st.error(message)
            else:
                st.session_state[_ACTOR] = found
                st.rerun()
    st.stop()
    raise AssertionError("unreachable")


def _wait_words(seconds: float) -> str:
    whole = max(1, round(seconds + 0.49))
    if whole < 120:
        return f"{whole} sekund" + ("" if whole == 1 else "er")
    return f"{round(whole / 60)} minuter"


def attempt_login(db: Database, name: str, password: str) -> tuple[Actor | None, str]:
    """The actor for a right name and password, or None and a message that is the same whether
    the account exists or not. Repeated failures make the next try wait (login_throttle)."""
    throttle = login_throttle.shared()
    known = access.accounts_now().get(throttle.key(name)) is not None
    wait = throttle.wait_seconds(name)
    if wait > 0:
        return None, (f"För många misslyckade inloggningar. Vänta {_wait_words(wait)} och försök igen.")
    found = access.verify_login(name, password)
    if found is not None:
        throttle.succeeded(name)
        _audit(db, name, True, "inloggning", {})
        return found, ""
    failures = throttle.failed(name)
    wait = throttle.wait_seconds(name)
    _audit(db, name, known, "inloggning misslyckad",
           {"misslyckade i följd": failures, "väntetid i sekunder": round(wait)})
    message = "Fel användarnamn eller lösenord."
    if wait > 0:
        message += f" Vänta {_wait_words(wait)} innan du försöker igen."
    return None, message


def _audit(db: Database, name: str, known: bool, action: str, details: dict[str, object]) -> None:
    try:
        login_throttle.record(db, name, known, action, details)
    except Exception:  # a busy or damaged database must not decide who gets in
        log.exception("Inloggningen kunde inte skrivas i granskningsloggen")


def _gate_oidc(pages: Sequence[StreamlitPage]) -> Actor:
    user = st.user
    if not user.is_logged_in:
        _log_in_screen(pages)
        st.write("Logga in med ditt konto i organisationen.")
        st.button("Logga in", type="primary", on_click=st.login)
        st.stop()
    claims = user.to_dict()
    roles = _secrets().get("roller", {})
    role = access.role_from_claims(claims, dict(roles) if roles else {})  # type: ignore[call-overload]
    reporters = _secrets().get("rapportorer", {})
    organisation = None if role else access.reporter_from_claims(claims, dict(reporters) if reporters else {})  # type: ignore[call-overload]
    if organisation is not None:
        st.session_state[_ACTOR] = Actor(str(claims.get("email") or claims.get("name") or "okänd"), access.REPORTER,
                                         access.OIDC, organisation=organisation)
        return actor()
    if role is None:
        st.session_state.pop(_ACTOR, None)
        _log_in_screen(pages)
        st.error("Ditt konto har ingen roll i Lägesbild. Be en administratör om behörighet.")
        st.button("Logga ut", on_click=_logout_oidc)
        st.stop()
    # Mapped again on every run, so a changed [roller] list applies to open sessions too.
    st.session_state[_ACTOR] = Actor(str(claims.get("email") or claims.get("name") or "okänd"), role, access.OIDC)
    return actor()


def _logout_oidc() -> None:
    _leave_display()
    st.logout()


def sidebar_account() -> None:
    """Who is logged in, and the way out."""
    current = actor()
    if mode() == "open":
        if display_only():
            st.sidebar.caption("Visningsläge: inget kan ändras i den här fliken.")
        return
    st.sidebar.caption(f"Inloggad: {md_literal(current.label)}" + (" · visningsläge" if display_only() else ""))
    if mode() == "oidc":
        st.sidebar.button("Logga ut", on_click=_logout_oidc)
    else:
        st.sidebar.button("Logga ut", on_click=_logout_local, key="logga_ut")


def _logout_local() -> None:
    st.session_state.pop(_ACTOR, None)
    _leave_display()


def open_mode_banner() -> None:
    # In presentation mode it is a badge in the footer (ui.meeting.presentation.badges), not a banner.
    if mode() == "open" and not presentation_on(st.query_params):
        st.warning(
            "Ingen inloggning är konfigurerad: alla som når appen kan ladda upp och ändra data. "
            "Kör den bara så på den egna datorn (localhost). Se README, avsnittet Säkerhet och dataskydd.",
            icon=":material/lock_open:",
        )


# ---------------------------------------------------------------- pages only through app.py

REPORTING_PAGE = "pages/rapportera.py"


def _refuse_reporter() -> None:
    st.info("Som rapportör kan du bara rapportera för din organisation och se dina egna rapporter. "
            "Den här sidan visas inte för rapportörer: gå till sidan Rapportera.", icon=":material/lock:")
    # A page file run on its own knows no other page to link to; the words above say where to go.
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(REPORTING_PAGE, label="Till Rapportera", icon=":material/edit_note:")
    st.stop()

_run = threading.local()


def clear_old_pages_mode() -> None:
    """Streamlit runs an app with a pages/ folder the old way (each page file alone, without app.py
    and so without this gate) until st.navigation has been called once in the process. The first
    session's first run clears that at once, so that no later session starts the old way."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old multipage mode
        return
    PagesManager.uses_pages_directory = False


@contextmanager
def through_gate() -> Iterator[None]:
    """app.py runs the chosen page inside this, after `gate` has let the session in. Reset on every
    way out (st.stop, st.rerun, an error), because one script thread serves a session's reruns."""
    _run.passed = True
    try:
        yield
    finally:
        _run.passed = False


def page_guard(allow_reporter: bool = False) -> None:
    """The first call of every page: unless this run came through app.py and its gate, nothing of
    the page runs. A page file run alone (Streamlit's old multipage mode, right after a restart)
    is started over through app.py, which shows the log-in form. A rapportör gets no page but the
    one that passes `allow_reporter` (Rapportera), whatever way it reached the page: the menu that
    app.py filters is a courtesy, this is the protection."""
    if getattr(_run, "passed", False) and (who := actor()).role is not None:
        if who.is_reporter and not allow_reporter:
            _refuse_reporter()
        return
    clear_old_pages_mode()
    # Once: should the page file itself be the main script, starting over would run it alone again.
    if not getattr(_run, "passed", False) and not st.session_state.get(_RESTARTED):
        st.session_state[_RESTARTED] = True
        st.rerun()
    st.stop()
