"""Administration: undo uploads, the audit log, snapshots, privacy and retention settings, accounts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet.core.errors import UserError
from trygghet.ingest import form_reports, history, undo
from trygghet.store import access, audit, retention, snapshots
from trygghet.store import installation_settings as settings
from trygghet.ui import cache, harm_editor, login, safe_text, shell, widgets
from trygghet.ui.errors import show_error

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
actor = login.actor()

st.title("Administration")
if not access.allowed(actor, access.AUDIT):
    st.info("Den här sidan är för administratörer.", icon=":material/admin_panel_settings:")
    st.stop()

message = st.session_state.pop("admin_message", None)
if message:
    st.success(safe_text.plain(message))

uploads_tab, audit_tab, snapshot_tab, settings_tab, harm_tab, accounts_tab = st.tabs(
    ["Ångra uppladdning", "Granskningslogg", "Säkerhetskopior", "Personuppgifter och arkiv", "Skadevikter", "Konton"]
)


def run(action, done: str) -> None:  # type: ignore[no-untyped-def]
    """Runs a write and shows its outcome in Swedish; the page reruns with the new data."""
    try:
        result = action()
    except UserError as exc:
        show_error(exc)
        return
    st.session_state["admin_message"] = result if isinstance(result, str) else done
    st.rerun()


with uploads_tab:
    uploads = history.upload_history(db)
    active = uploads[uploads["Status"] != history.STATUS_LABELS["ångrad"]]
    if active.empty:
        st.write("Inga uppladdningar att ångra.")
    else:
        st.write(
            "Att ångra en uppladdning tar bort dess händelser och nya insatser och återställer de fält i "
            "insatser som den ändrade. En kopia av databasen tas först."
        )
        choice = st.selectbox(
            "Uppladdning",
            active["Nr"].tolist(),
            format_func=lambda n: (lambda r: f"{n}: {r['Fil']} ({r['Tid']:%Y-%m-%d %H:%M}, {r['Nya']} nya)")(
                active.loc[active["Nr"] == n].iloc[0]
            ),
        )
        sure = st.checkbox("Jag vill ångra den här uppladdningen")
        if st.button("Ångra uppladdningen", type="primary", disabled=not sure):
            run(lambda: undo.undo_upload(db, int(choice), actor).summary(), "Uppladdningen är ångrad.")

with audit_tab:
    entries = cache.query(audit.entries, db)
    if entries.empty:
        st.write("Granskningsloggen är tom.")
    else:
        widgets.table(entries, "granskningslogg")

with snapshot_tab:
    found = snapshots.list_snapshots(db)
    st.write(
        f"En kopia av databasen tas före varje import och varje ångring; de {snapshots.keep_count()} senaste "
        f"sparas, ingen äldre än {snapshots.retention_days()} dagar (TRYGGHET_SNAPSHOTS, TRYGGHET_SNAPSHOT_DAYS). "
        "En återställning tar först en kopia av databasen som den är nu."
    )
    if not found:
        st.write("Inga kopior ännu.")
    else:
        st.dataframe(
            pd.DataFrame({"Kopia": [s.name for s in found], "Tagen": [s.taken_at for s in found],
                          "Storlek (MB)": [round(s.size / 2**20, 1) for s in found]}),
            hide_index=True, width="stretch",
        )
        chosen = st.selectbox("Återställ kopian", [s.name for s in found])
        sure = st.checkbox("Jag vill ersätta databasen med kopian")
        if st.button("Återställ", disabled=not sure):
            snapshot = next(s for s in found if s.name == chosen)

            def restore() -> str:
                snapshots.restore(db, snapshot, actor)
                return f"Databasen är återställd från {snapshot.name}."

            run(restore, "Databasen är återställd.")

with settings_tab:
    current = settings.pii_policy(db)
    policy = st.radio(
        "När en fritext innehåller personnummer, samordningsnummer, telefonnummer eller e-post",
        list(settings.PII_POLICIES),
        index=list(settings.PII_POLICIES).index(current),
        format_func=settings.PII_POLICIES.get,
    )
    if st.button("Spara valet", disabled=policy == current):
        run(lambda: settings.set_pii_policy(db, policy, actor), "Valet är sparat.")
    st.divider()
    reviewed = form_reports.review_required(db)
    review = st.toggle("Granskning: rapporter från sidan Rapportera räknas först när en redigerare har godkänt dem",
                       value=reviewed, help="Godkännanden, ändringar och avvisningar står i granskningsloggen.")
    if st.button("Spara granskningen", disabled=review == reviewed):
        run(lambda: form_reports.set_review_required(db, review, actor), "Granskningen är sparad.")
    st.divider()
    days = retention.retention_days()
    st.write(
        f"Originalfilerna från uppladdningar sparas i {days} dagar (ändras med miljövariabeln "
        "TRYGGHET_ARCHIVE_DAYS). De importerade raderna och historiken påverkas inte av rensningen."
    )
    if st.button(f"Rensa arkiverade filer äldre än {days} dagar"):
        run(lambda: retention.purge_archive(db, actor).summary(), "Arkivet och kopiorna är rensade.")

with harm_tab:
    harm_editor.editor(db, actor, run)

with accounts_tab:
    st.write(f"Inloggning: **{ {'oidc': 'OpenID Connect', 'local': 'lokala konton', 'open': 'ingen'}[login.mode()] }**.")
    accounts = access.load_accounts()
    if accounts:
        st.dataframe(
            pd.DataFrame({"Konto": list(accounts), "Roll": [access.ROLE_LABELS[a["role"]] for a in accounts.values()],
                          "Organisation": [a.get("organisation", "") for a in accounts.values()]}),
            hide_index=True, width="stretch",
        )
    st.caption(
        "Lokala konton läggs till på servern med 'python -m trygghet user add NAMN --role redigerare' (en rapportör "
        "med '--role rapportör --organisation Väktarbolaget'); "
        "lösenorden sparas bara som argon2-hashar. Med OpenID Connect styrs rollerna av [roller] i secrets.toml."
    )
