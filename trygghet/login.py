"""Log-in in the app: OpenID Connect through st.login, local accounts, or an open demo.

The page code asks `login.actor()` who is there; the trygghet write paths check the role
again themselves, so hiding a button is a courtesy, never the protection.
"""

from __future__ import annotations

import streamlit as st

from . import access
from .access import Actor

_ACTOR = "login_actor"


def _secrets() -> dict[str, object]:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets.toml: an unconfigured installation
        return {}


def mode() -> str:
    """'oidc' when [auth] is configured in secrets.toml, 'local' when the accounts file has
    accounts, otherwise 'open'."""
    if "auth" in _secrets():
        return "oidc"
    if access.load_accounts():
        return "local"
    return "open"


def display_only() -> bool:
    """The projector's read-only display: ?visning=1 shows everything and changes nothing."""
    return st.query_params.get("visning") == "1"


def actor() -> Actor:
    """Who is using the app in this session (after `gate` has run)."""
    found = st.session_state.get(_ACTOR, access.NOBODY)
    if display_only() and found.role is not None:
        return Actor(found.name, "läsare")
    return found


def gate() -> Actor:
    """Lets the session in or stops the script at a log-in form."""
    current = mode()
    if current == "open":
        st.session_state[_ACTOR] = access.OPEN_DEMO
        return actor()
    if current == "oidc":
        return _gate_oidc()
    return _gate_local()


def _gate_local() -> Actor:
    if st.session_state.get(_ACTOR, access.NOBODY).role is not None:
        return actor()
    st.title("Lägesbild")
    with st.form("inloggning"):
        st.header("Logga in")
        name = st.text_input("Användarnamn", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        if st.form_submit_button("Logga in", type="primary"):
            found = access.verify_login(name, password)
            if found is None:
                st.error("Fel användarnamn eller lösenord.")
            else:
                st.session_state[_ACTOR] = found
                st.rerun()
    st.stop()
    raise AssertionError("unreachable")


def _gate_oidc() -> Actor:
    user = st.user
    if not user.is_logged_in:
        st.title("Lägesbild")
        st.write("Logga in med ditt konto i organisationen.")
        st.button("Logga in", type="primary", on_click=st.login)
        st.stop()
    claims = user.to_dict()
    roles = _secrets().get("roller", {})
    role = access.role_from_claims(claims, dict(roles) if roles else {})
    if role is None:
        st.title("Lägesbild")
        st.error("Ditt konto har ingen roll i Lägesbild. Be en administratör om behörighet.")
        st.button("Logga ut", on_click=st.logout)
        st.stop()
    st.session_state[_ACTOR] = Actor(str(claims.get("email") or claims.get("name") or "okänd"), role)
    return actor()


def sidebar_account() -> None:
    """Who is logged in, and the way out."""
    current = actor()
    if mode() == "open":
        return
    st.sidebar.caption(f"Inloggad: {current.label}" + (" · visningsläge" if display_only() else ""))
    if mode() == "oidc":
        st.sidebar.button("Logga ut", on_click=st.logout)
    elif st.sidebar.button("Logga ut"):
        st.session_state.pop(_ACTOR, None)
        st.rerun()


def open_mode_banner() -> None:
    if mode() == "open":
        st.warning(
            "Ingen inloggning är konfigurerad: alla som når appen kan ladda upp och ändra data. "
            "Kör den bara så på den egna datorn (localhost). Se README, avsnittet Säkerhet och dataskydd.",
            icon=":material/lock_open:",
        )
