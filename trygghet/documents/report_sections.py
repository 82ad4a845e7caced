"""The sections of the lägesbild document, each a function that adds its headings, figures, tables and
text to the document from the report's data. The order and the wording follow 4 § lag (2023:196) and
Brå's guidance; where the municipality has not yet written or uploaded something, the section says
what is missing and where it is added, instead of leaving a gap."""

from __future__ import annotations

import pandas as pd

from trygghet.analysis import action_plan as plans
from trygghet.analysis import goals, stats
from trygghet.core.formatting import MISSING, fmt_date, fmt_dec, fmt_int
from trygghet.documents import report_figures as rf
from trygghet.documents.model import Bullets, Document, Figure, Heading, Paragraph, Table
from trygghet.documents.report_data import ReportData
from trygghet.documents.report_queries import NO_FLAG_TEXT, TIME_BANDS, calendar_weeks
from trygghet.present import figures, tables

ANALYSIS_PLACEHOLDER = ("[Analysen skrivs här: vad förklarar utvecklingen, vilka platser och situationer bör "
                        "prioriteras, och vad säger parterna? Texten kan skrivas på sidan Rapport före export eller "
                        "direkt i Word-filen.]")
PLAN_PLACEHOLDER = ("[Åtgärdsplanen skrivs på sidan Rapport: för varje prioriterat problem dess orsak, åtgärden som "
                    "ska påverka orsaken, målet, ansvarig, resurser och hur den följs upp.]")
VERDICT_ORDER = (goals.MET, goals.NOT_MET, goals.ON_TRACK, goals.OFF_TRACK, goals.UNKNOWN)
DRAFT = "Utkast – perioden är inte avslutad"


def _text(value: object) -> str:
    return value if isinstance(value, str) and value.strip() else MISSING


def _day(value: object) -> str:
    return fmt_date(pd.Timestamp(value).date()) if value is not None and pd.notna(value) else MISSING


def _count(value: object) -> str:
    """A count, or '–' where there is no figure (a comparison before the data begins)."""
    return fmt_int(value) if value is not None and pd.notna(value) else MISSING  # type: ignore[arg-type]


def _rate(value: object) -> str:
    return fmt_dec(value, 1) if value is not None and pd.notna(value) else MISSING  # type: ignore[arg-type]


def decision_text(data: ReportData) -> str:
    d = data.decision
    if d.decided_on is None:
        return "inte beslutad ännu (utkast till kommunfullmäktige)"
    by = d.decided_by or "Kommunfullmäktige"
    number = f", diarienummer {d.diarienummer}" if d.diarienummer else ""
    return f"beslutad av {by[0].lower() + by[1:]} {fmt_date(d.decided_on)}{number}"


def _compare_table(frame: pd.DataFrame, name_label: str, current: str, previous: str, rates: bool = False) -> Table:
    columns = [name_label, current, previous, "Förändring"]
    if rates:
        columns += ["Invånare", "Per 1 000 inv.", "Per 1 000 inv. året före"]
    rows = []
    for row in frame.itertuples(index=False):
        cells = [str(row.name), fmt_int(row.count), _count(row.previous),
                 ("▲ " if row.flag == "upp" else "▼ " if row.flag == "ned" else "") + rf.change_text(row.count,
                                                                                                  row.previous)]
        if rates:
            cells += [fmt_int(row.population) if pd.notna(row.population) else MISSING, _rate(row.rate),
                      _rate(row.rate_previous)]
        rows.append(cells)
    return Table(columns, rows, highlight=[f != "" for f in frame["flag"]])


def _has_rates(data: ReportData) -> bool:
    return bool(data.by_district["population"].notna().any()) if len(data.by_district) else False


# ---------------------------------------------------------------- sammanfattning


def summary_sentences(data: ReportData) -> list[str]:
    total = int(data.by_district["count"].sum())
    current, previous = rf.period_labels(data)
    rate = f" ({_rate(total / data.population_total * 1000)} per 1 000 invånare)" if data.population_total else ""
    lines = []
    if not data.finished:
        lines.append(f"{DRAFT}: siffrorna gäller till och med {_day(data.as_of)} och ändras när perioden är slut.")
    elif not data.complete and data.data_until is not None:
        lines.append(f"Data till och med {fmt_date(data.data_until)}: perioden är slut, men händelser efter den "
                     "dagen finns inte i underlaget.")
    if data.comparable:
        before = int(data.by_district["previous"].sum())
        lines.append(f"{fmt_int(total)} händelser rapporterades under {current[0].lower() + current[1:]}{rate}, mot "
                     f"{fmt_int(before)} {previous[0].lower() + previous[1:]}: {rf.change_words(total, before)}.")
    else:
        lines.append(f"{fmt_int(total)} händelser rapporterades under {current[0].lower() + current[1:]}{rate}; "
                     f"{data.no_comparison}.")
    ups = data.by_district[data.by_district["flag"] == "upp"]["name"].tolist()
    downs = data.by_district[data.by_district["flag"] == "ned"]["name"].tolist()
    if ups:
        lines.append("Statistiskt säker ökning i " + ", ".join(ups) + ".")
    if downs:
        lines.append("Statistiskt säker minskning i " + ", ".join(downs) + ".")
    cat_up = data.by_category[data.by_category["flag"] == "upp"]["name"].tolist()
    cat_down = data.by_category[data.by_category["flag"] == "ned"]["name"].tolist()
    if cat_up:
        lines.append("Kategorier som ökat statistiskt säkert: " + ", ".join(cat_up) + ".")
    if cat_down:
        lines.append("Kategorier som minskat statistiskt säkert: " + ", ".join(cat_down) + ".")
    if not (ups or downs or cat_up or cat_down) and data.comparable:
        lines.append(NO_FLAG_TEXT)
    if len(data.areas):
        counts = data.areas["verdict"].value_counts()
        parts = [f"{v.lower()}: {int(counts[v])}" for v in VERDICT_ORDER if v in counts]
        parts += [f"{v.lower()}: {int(n)}" for v, n in counts.items() if v not in VERDICT_ORDER]
        lines.append(f"Bedömning av målen för de {len(data.areas)} prioriterade områdena – " + ", ".join(parts) + ".")
    if data.measures:
        lines.append(f"Åtgärdsplanen har {len(data.measures)} åtgärder och är {decision_text(data)}.")
    else:
        lines.append("Ingen åtgärdsplan är inlagd för perioden.")
    if data.followed:
        done = sum(1 for f in data.followed if f.status == "Genomförd")
        lines.append(f"Av föregående plans {len(data.followed)} åtgärder är {done} genomförda.")
    return lines


def summary(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Sammanfattning"))
    doc.add(Bullets(summary_sentences(data)))


# ---------------------------------------------------------------- kartläggning: omfattning


def extent(doc: Document, data: ReportData) -> None:
    current, previous = rf.period_labels(data)
    doc.add(Heading("Brottslighetens och otrygghetens omfattning"))
    doc.add(Paragraph("Händelser som parterna har rapporterat: brott och ordningsstörningar, men också det som skapar "
                      "otrygghet utan att vara brott. Ingen förändring markeras som statistiskt säker; varför står "
                      "under Om underlaget."))
    if not data.comparable:
        doc.add(Paragraph(f"Jämförelse med året före: {data.no_comparison}.", "note"))
    doc.add(Heading("Per stadsdel", 2))
    if data.by_district.empty or int(data.by_district["count"].sum()) == 0:
        doc.add(Paragraph("Inga händelser under perioden."))
    else:
        rates = _has_rates(data)
        height = figures.compare_height(len(data.by_district))
        table = _compare_table(data.by_district, "Stadsdel", current, previous, rates)
        doc.add(Figure(figures.print_style(rf.district_figure(data), height), "Händelser per stadsdel", table,
                       caption=f"{current} mot {previous.lower()}. Ingen stapel är markerad som statistiskt säker "
                               "förändring (se Om underlaget).",
                       height=height, alt=rf.compare_alt(data.by_district, "händelser per stadsdel", current,
                                                         previous)))
        doc.add(table)
        if rates:
            low, high = data.population_years
            years = str(low) if low == high else f"{low}–{high}"
            doc.add(Paragraph(f"Per 1 000 invånare: händelserna under perioden delat med stadsdelens befolkning "
                              f"({years}), så att en stor stadsdel inte ser värst ut bara för att den är stor.",
                              "small"))
        else:
            doc.add(Paragraph("Befolkning per stadsdel saknas, så händelserna kan inte räknas per 1 000 invånare. "
                              "Ladda upp fliken Befolkning på sidan Data.", "note"))
    doc.add(Heading("Per kategori", 2))
    if not data.by_category.empty:
        top = data.by_category.head(12)
        height = figures.compare_height(len(top))
        doc.add(Figure(figures.print_style(rf.category_figure(data), height), "Händelser per kategori (de tolv största)",
                       _compare_table(top, "Kategori", current, previous),
                       caption=f"{current} mot {previous.lower()}.",
                       height=height, alt=rf.compare_alt(top, "händelser per kategori", current, previous)))
        doc.add(_compare_table(data.by_category, "Kategori", current, previous))
    doc.add(Heading("Jämfört med länet och riket", 2))
    reference = data.reference[data.reference["source"] != "NTU"] if len(data.reference) else data.reference
    if reference.empty:
        doc.add(Paragraph("Referensstatistik saknas. Ladda upp Brås statistik över anmälda brott per 100 000 "
                          "invånare för kommunen, länet och riket (fliken Referensstatistik på sidan Data).", "note"))
    else:
        doc.add(_reference_table(reference))
        doc.add(Paragraph("Anmälda brott enligt Brås kriminalstatistik. De räknar brott som anmälts till polisen och "
                          "är inte samma sak som händelserna ovan, som parterna själva rapporterar.", "small"))


def _reference_table(frame: pd.DataFrame) -> Table:
    years = sorted(set(int(y) for y in frame["year"]))
    rows = []
    for (source, measure, area, level, unit), part in frame.groupby(
            ["source", "measure", "area", "level", "unit"], sort=False):
        values = {int(y): v for y, v in zip(part["year"], part["value"], strict=True)}
        shown_area = area if str(level).casefold() in str(area).casefold() else f"{area} ({level})"
        rows.append([f"{measure} ({unit})", shown_area, *(_value(values[y], unit, with_unit=False)
                                                          if y in values else MISSING for y in years), source])
    return Table(["Mått", "Område", *(str(y) for y in years), "Källa"], rows)


# ---------------------------------------------------------------- trygghet


def trygghet(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Trygghet"))
    survey = rf.survey_frame(data)
    if survey.empty:
        doc.add(Paragraph("Det finns inga resultat från trygghetsmätningar för de valda stadsdelarna från före "
                          "periodens slut.", "note"))
    else:
        periods = list(dict.fromkeys(survey["label"]))
        pivot = survey.pivot_table(index="indicator", columns="label", values="value", sort=False)
        rows = []
        for indicator, values in pivot.iterrows():
            cells = [f"{fmt_dec(values[p], 1)} %" if pd.notna(values.get(p)) else MISSING for p in periods]
            diff = ""
            if len(periods) == 2 and pd.notna(values.get(periods[0])) and pd.notna(values.get(periods[1])):
                diff = rf.points_text(values[periods[1]] - values[periods[0]])
            rows.append([str(indicator), *cells, diff])
        table = Table(["Indikator", *periods, "Förändring"], rows)
        height = 150 + 70 * len(pivot)
        doc.add(Figure(figures.print_style(rf.survey_figure(data), height),
                       "Trygghetsmätningen, snitt för de valda stadsdelarna", table,
                       caption="Andel svarande (%) i de två senaste mätningarna före periodens slut; vägt med antalet "
                               "svarande där det finns.", height=height, alt=rf.survey_alt(survey)))
        doc.add(table)
    groups = data.survey_groups
    doc.add(Heading("Efter kön och ålder", 2))
    if groups.empty:
        doc.add(Paragraph("Resultat efter kön och ålder är inte uppladdade (fliken Trygghetsmätning per grupp på "
                          "sidan Data).", "note"))
    else:
        periods = sorted(set(groups["period"]))
        rows = []
        for (indicator, grouping, name), part in groups.groupby(["indicator", "grouping", "group_name"], sort=False):
            values = dict(zip(part["period"], part["value"], strict=True))
            rows.append([str(indicator), f"{grouping}: {name}",
                         *(f"{fmt_dec(values[p], 1)} %" if p in values else MISSING for p in periods)])
        doc.add(Table(["Indikator", "Grupp", *periods], rows))
    ntu = data.reference[data.reference["source"] == "NTU"] if len(data.reference) else data.reference
    doc.add(Heading("Nationella trygghetsundersökningen (NTU)", 2))
    if ntu.empty:
        doc.add(Paragraph("NTU-resultat för länet och riket är inte uppladdade (fliken Referensstatistik, källa NTU).",
                          "note"))
    else:
        doc.add(_reference_table(ntu))
        doc.add(Paragraph("Brås nationella trygghetsundersökning, som referens till den lokala mätningen: frågorna "
                          "och urvalen skiljer sig, så nivåerna jämförs med försiktighet.", "small"))


# ---------------------------------------------------------------- mönster


def patterns(doc: Document, data: ReportData) -> None:
    current, previous = rf.period_labels(data)
    doc.add(Heading("Mönster: platser och tider"))
    doc.add(Heading("Platser med flest händelser", 2))
    if data.places.empty:
        doc.add(Paragraph("Inga händelser med angiven plats under perioden."))
    else:
        doc.add(Table(["Plats", "Stadsdel", "Vanligaste kategori", current, previous],
                      [[str(p), str(d), _text(c), fmt_int(n), _count(b)]
                       for p, d, n, b, c in data.places.itertuples(index=False)]))
    doc.add(Heading("Veckodag och tid på dygnet", 2))
    times = data.times
    total = int(times[list(TIME_BANDS)].to_numpy().sum())
    if total == 0:
        doc.add(Paragraph("Inga händelser med känt klockslag under perioden."))
    else:
        cells = [(int(times.iloc[r][band]), times.iloc[r]["weekday"], band) for r in range(len(times))
                 for band in TIME_BANDS]
        n, day, band = max(cells, key=lambda c: c[0])
        doc.add(Paragraph(f"Flest händelser med känt klockslag: {day.lower()} kl. {band} ({fmt_int(n)} av "
                          f"{fmt_int(total)})."))
        doc.add(Table(["Veckodag", *(f"Kl. {b}" for b in TIME_BANDS)],
                      [[str(r[0]), *(fmt_int(v) for v in r[1:])] for r in times.itertuples(index=False)]))
        if data.times_unknown:
            doc.add(Paragraph(f"{fmt_int(data.times_unknown)} händelser saknar klockslag och ingår inte i tabellen.",
                              "small"))
    doc.add(Heading("Månad för månad", 2))
    height = rf.monthly_height(data)
    doc.add(Figure(figures.print_style(rf.monthly_figure(data), height), "Händelser per månad",
                   Table(["Månad", current, previous], [[str(lab), fmt_int(c), _count(p)] for lab, c, p in
                                                        data.monthly.itertuples(index=False)]),
                   caption="Årets rytm: varje månad mot samma månad året före.", height=height,
                   alt=rf.monthly_alt(data)))


# ---------------------------------------------------------------- konsekvenser och andra uppgifter


def consequences(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Konsekvenser av brott och otrygghet"))
    written = [(a.problem, a.consequences) for a in data.analyses if a.consequences]
    if written:
        doc.add(Bullets([f"{problem}: {text}" for problem, text in written]))
    worry = rf.survey_frame(data)
    worry = worry[worry["indicator"].str.contains("oro|otrygg|undvik", case=False)] if len(worry) else worry
    if len(worry):
        latest = worry.groupby("indicator", sort=False).tail(1)
        doc.add(Paragraph("Ur trygghetsmätningen: " + "; ".join(
            f"{i.lower()}: {fmt_dec(v, 1)} % ({lab})" for i, lab, v in
            zip(latest["indicator"], latest["label"], latest["value"], strict=True)) + "."))
    if not written and not len(worry):
        doc.add(Paragraph("[Konsekvenserna för de drabbade, för platserna och för tryggheten skrivs i analysen per "
                          "problem på sidan Rapport.]", "placeholder"))


def other_information(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Andra uppgifter av betydelse"))
    doc.add(Heading("Befolkning", 2))
    frame = data.by_district
    if not _has_rates(data):
        doc.add(Paragraph("Befolkning per stadsdel är inte uppladdad (fliken Befolkning på sidan Data).", "note"))
    else:
        low, high = data.population_years
        rows = [[str(n), fmt_int(p) if pd.notna(p) else MISSING] for n, p in zip(frame["name"], frame["population"],
                                                                                 strict=True)]
        doc.add(Table(["Stadsdel", f"Invånare ({low if low == high else f'{low}–{high}'})"], rows))
        if data.population_total:
            doc.add(Paragraph(f"Sammanlagt {fmt_int(data.population_total)} invånare i de valda stadsdelarna."))
    doc.add(Heading("Förhållanden i kommunen", 2))
    if data.context.empty:
        doc.add(Paragraph("Kontextindikatorer (till exempel arbetslöshet, ekonomiskt bistånd, skolresultat eller "
                          "planerade förändringar) är inte uppladdade (fliken Kontextindikatorer på sidan Data).",
                          "note"))
    else:
        doc.add(Table(["Indikator", "Område", "År", "Värde", "Året före", "Källa"], [
            [str(r.indicator), str(r.district), str(int(r.year)), _value(r.value, r.unit),
             _value(r.previous, r.unit) if pd.notna(r.previous) else MISSING, _text(r.source)]
            for r in data.context.itertuples(index=False)]))


def _value(value: object, unit: object, with_unit: bool = True) -> str:
    """One figure of a context or reference table: shares always with one decimal (4,0 % beside 3,7 %),
    other figures whole when they are whole; a unit that only says 'antal' is left out."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return MISSING
    unit_text = unit.strip() if isinstance(unit, str) else ""
    share = unit_text.startswith("%") or unit_text.casefold().startswith("procent")
    number = (fmt_dec(value, 1) if share or not float(value).is_integer()  # type: ignore[arg-type]
              else fmt_int(value))
    if not with_unit or not unit_text or unit_text.casefold() in ("antal", "st", "st."):
        return number
    return f"{number} {unit_text}"


# ---------------------------------------------------------------- analys


def analysis(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Analys"))
    doc.add(Paragraph("Per prioriterat problem: varför det prioriteras, dess orsaker enligt brottstriangeln "
                      "(gärningsperson, brottsoffer eller mål, plats), risk- och skyddsfaktorer, konsekvenser och "
                      "resurser.", "small"))
    for item in data.analyses:
        doc.add(Heading(item.problem, 2))
        lines = [f"{plans.ANALYSIS_LABELS[name]}: {getattr(item, name)}" for name in plans.ANALYSIS_FIELDS[1:]
                 if getattr(item, name)]
        doc.add(Bullets(lines) if lines else Paragraph("Analysen är inte ifylld.", "placeholder"))
    if data.analyses and data.analysis.strip():
        doc.add(Heading("Övrig analys", 2))
    if data.analysis.strip():
        for part in data.analysis.strip().split("\n\n"):
            doc.add(Paragraph(part.strip()))
    elif not data.analyses:
        doc.add(Paragraph(ANALYSIS_PLACEHOLDER, "placeholder"))


# ---------------------------------------------------------------- prioriterade områden och mål


def priorities(doc: Document, data: ReportData) -> None:
    current, previous = rf.period_labels(data)
    doc.add(Heading("Prioriterade områden och måluppfyllelse"))
    if data.areas.empty:
        doc.add(Paragraph("Inga prioriterade områden gäller under perioden."))
        return
    height = figures.compare_height(len(data.areas)) + 40
    frame = pd.DataFrame({"name": data.areas["name"], "count": data.areas["count"],
                          "previous": data.areas["count_last_year"]})
    doc.add(Figure(figures.print_style(rf.areas_figure(data), height),
                   "Händelser i de prioriterade områdenas indikatorer",
                   Table(["Område", current, previous], [[n, fmt_int(c), _count(p)] for n, c, p in
                                                         frame.itertuples(index=False)]),
                   height=height, alt=rf.compare_alt(frame, "händelser i de prioriterade områdenas indikatorer",
                                                     current, previous)))
    doc.add(Table(["Prioriterat område", "Bedömning"], [[n, v] for n, v in zip(data.areas["name"], data.areas["verdict"],
                                                                                strict=True)],
                  highlight=[v in (goals.NOT_MET, goals.OFF_TRACK) for v in data.areas["verdict"]]))
    for row in data.areas.itertuples(index=False):
        doc.add(Heading(row.name, 2))
        doc.add(Paragraph(f"Mål: {row.goal}" if isinstance(row.goal, str) and row.goal else "Mål: –"))
        sure = f", statistiskt säker {'ökning' if row.flag == 'upp' else 'minskning'}" if row.flag else ""
        lines = [f"Måluppfyllelse: {row.attainment}",
                 f"Indikatorer: {', '.join(row.indicators) or MISSING}.",
                 (f"{current}: {fmt_int(row.count)} händelser mot {fmt_int(row.count_last_year)} året före "
                  f"({rf.change_words(row.count, row.count_last_year)}{sure})." if not rf._missing(row.count_last_year)
                  else f"{current}: {fmt_int(row.count)} händelser; {data.no_comparison}.")]
        if row.baseline_year is not None and not pd.isna(row.baseline_year):
            lines.append(f"Samma datum {int(row.baseline_year)} (utgångsåret): {fmt_int(row.baseline)} händelser – "
                         f"{rf.change_words(row.count, int(row.baseline))} sedan dess.")
        lines.append("Insatser i stadsdelarna vid periodens slut: "
                     f"{tables.intervention_counts(row.running, row.planned, row.overdue)}.")
        doc.add(Bullets(lines))


# ---------------------------------------------------------------- åtgärdsplan


def plan(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Åtgärdsplan"))
    scope = (" Det är kommunens gemensamma plan: de valda stadsdelarna har ingen egen."
             if data.districts and data.plan_scope == "alla" and data.measures else "")
    doc.add(Paragraph(f"Åtgärdsplanen är {decision_text(data)}. Varje åtgärd ska påverka en orsak till ett "
                      f"prioriterat problem och har ett mål, en ansvarig och resurser.{scope}"))
    if data.measures:
        # Five columns, each cell a step of the chain: seven narrow ones broke words on A4.
        doc.add(Table(["Problem och orsak", "Åtgärd", "Mål", "Ansvarig och resurser", "Status"], [
            [m.problem + (f"\nOrsak: {m.cause}" if m.cause else ""),
             m.measure + (f" (insats {m.intervention_id})" if m.intervention_id else ""), _text(m.goal),
             "\n".join(x for x in (m.owner, m.resources) if x) or MISSING,
             data.measure_status[m.id].status if m.id in data.measure_status else "Planerad"]
            for m in data.measures], widths=[3, 3, 3, 2.2, 1.4]))
    else:
        doc.add(Paragraph(PLAN_PLACEHOLDER, "placeholder"))
    doc.add(Heading("Insatser under perioden och uppmätt effekt", 2))
    if data.interventions.empty:
        doc.add(Paragraph("Inga insatser pågick under perioden i de valda stadsdelarna."))
    else:
        doc.add(Paragraph(f"Status per {fmt_date(data.as_of)}. Effekten jämför händelserna i insatsens kategorier i dess "
                          "stadsdel före och under insatsen med utvecklingen i övriga stadsdelar samma veckor "
                          "(difference-in-differences, 95 % konfidensintervall). Ett samband är inte ett bevis för att "
                          "insatsen orsakade förändringen.", "small"))
        frame = data.interventions
        doc.add(Table(
            ["Insats", "Stadsdel", f"Status {fmt_date(data.as_of)}", "Period", "Uppmätt effekt"],
            [[f"{t} ({i})" + (f"\n{o}" if isinstance(o, str) and o else ""),
              d if isinstance(d, str) else "Hela kommunen", s,
              f"{_day(a)} – {_day(b) if b is not None and pd.notna(b) else 'tills vidare'}", e]
             for i, t, d, o, s, a, b, e in zip(frame["id"], frame["title"], frame["district"], frame["owner"],
                                               frame["status"], frame["start_date"], frame["end_date"],
                                               frame["effect"], strict=True)],
            widths=[3, 1.4, 1.4, 1.6, 4],
        ))
    doc.add(Heading("Öppna beslut från samverkansmötena", 2))
    if data.open_decisions.empty:
        doc.add(Paragraph(f"Inga beslut från samverkansmötena var öppna {fmt_date(data.as_of)}."))
    else:
        frame = data.open_decisions
        doc.add(Table(
            ["Beslutat", "Beslut", "Ansvarig", "Klart senast"],
            [[_day(m), t, " – ".join(x for x in (o, r) if isinstance(x, str) and x) or MISSING, _day(d)]
             for m, t, o, r, d in zip(frame["decided_on"], frame["text"], frame["organisation"],
                                      frame["responsible"], frame["deadline"], strict=True)],
        ))


def followup(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Uppföljning av föregående åtgärdsplan"))
    if not data.followed:
        doc.add(Paragraph("Det finns ingen tidigare åtgärdsplan för de här stadsdelarna i Lägesbild att följa upp."))
        return
    done = sum(1 for f in data.followed if f.status == "Genomförd")
    doc.add(Paragraph(f"Planen för {data.previous_plan}: {len(data.followed)} planerade åtgärder, {done} genomförda."))
    doc.add(Table(["Åtgärd (problem)", "Ansvarig", "Status", "Uppföljning", "Uppmätt effekt"], [
        [f"{f.measure.measure}\n({f.measure.problem})", _text(f.measure.owner), f.status, _text(f.note), f.effect]
        for f in data.followed], widths=[3, 1.6, 1.4, 2.4, 4],
        highlight=[f.status in ("Ej uppföljd", "Inställd") for f in data.followed]))


def coordination(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Samordning, samverkansöverenskommelse och medborgarlöften"))
    if not data.commitments:
        doc.add(Paragraph("Samordningsfunktionen, samverkansöverenskommelsen och medborgarlöftena är inte inlagda "
                          "(sidan Rapport, avsnittet Samordning och överenskommelser).", "note"))
        return
    rows = []
    for c in data.commitments:
        status = data.commitment_status.get(c.id or -1)
        valid = (f"{_day(c.valid_from)} – {_day(c.valid_to)}" if c.valid_from and c.valid_to
                 else f"från {_day(c.valid_from)}" if c.valid_from else f"till {_day(c.valid_to)}" if c.valid_to
                 else MISSING)
        rows.append([f"{plans.COMMITMENT_KINDS.get(c.kind, c.kind)}: {c.title}" + (f"\n{c.description}" if c.description
                                                                                    else ""),
                     "\n".join(x for x in (c.parties, valid) if x and x != MISSING) or MISSING,
                     status.status if status else "Ej uppföljt", _text(status.note if status else None)])
    doc.add(Table(["Åtagande", "Parter och giltighet", "Status", "Uppföljning"], rows, widths=[5, 2.4, 1.6, 2.4]))


# ---------------------------------------------------------------- underlaget


def sources(doc: Document, data: ReportData) -> None:
    doc.add(Heading("Om underlaget"))
    # Weeks as the sources' column counts them: every calendar week the period touches.
    weeks, weeks_before = calendar_weeks(data.window), calendar_weeks(data.previous)
    frame = data.sources
    if frame.empty:
        doc.add(Paragraph("Inga rapporterade händelser under perioden, och ingen lista över förväntade "
                          "rapportörer finns (sidan Rapportering)."))
    else:
        reporting = frame[frame["events"] > 0]
        silent = frame[(frame["events"] == 0) & frame["expected"]]["source"].tolist()
        doc.add(Paragraph(f"{len(reporting)} källor rapporterade {fmt_int(int(frame['events'].sum()))} händelser "
                          f"under perioden ({weeks} kalenderveckor)."
                          + (f" Förväntade rapportörer utan händelser under perioden: {', '.join(silent)}."
                             if silent else "")))
        before_label = "Samma period året före" if data.comparable else "Året före"
        doc.add(Table(["Källa", "Händelser", "Stadsdelar", "Veckor med rapporter", before_label,
                       "Första – sista dag"], [
            [str(r.source) + ("" if r.expected else " (inte på listan)"), fmt_int(r.events), fmt_int(r.districts),
             f"{int(r.weeks)} av {weeks} veckor",
             (f"{int(r.weeks_before)} av {weeks_before} veckor" if data.comparable else data.no_comparison),
             f"{_day(r.first_day)} – {_day(r.last_day)}" if r.events else "inga händelser"]
            for r in frame.itertuples(index=False)],
            highlight=[int(w) < weeks / 2 for w in frame["weeks"]]))
    lines = [
        "Händelserna rapporteras av kommunens förvaltningar, polisen, bostadsbolag och andra parter. Antalet speglar "
        "både vad som händer och hur mycket som rapporteras: en källa som rapporterar färre veckor (markerad ovan) "
        "kan se ut som en lugn period.",
        "Mörkertal: många brott och mycket otrygghet anmäls eller rapporteras aldrig. Därför läses händelserna "
        "tillsammans med trygghetsmätningen och Brås statistik.",
        "En förändring kallas statistiskt säker när den är osannolik även med hänsyn till hur mycket antalet brukar "
        "variera (negativ binomialfördelning): en ökning vid "
        f"p < {stats.level_text(stats.ALPHA_UP)}, en minskning vid p < {stats.level_text(stats.ALPHA_DOWN)}, och "
        f"skillnaden är minst {stats.MIN_DIFF} händelser; små tal jämförs inte i procent. " + NO_FLAG_TEXT,
        "Polisens öppna händelsedata innehåller bara de senaste cirka 500 händelserna i landet och anger kommunens "
        "mittpunkt som plats.",
        f"Insatsernas status och mötenas beslut är som de var {fmt_date(data.as_of)}, enligt ändringshistoriken; "
        "inget daterat efter periodens slut räknas.",
        "Rapporten gäller platser och situationer, inte enskilda personer.",
    ]
    if not data.survey.empty:
        lines.append("Trygghetsmätningen: " + ", ".join(sorted(set(data.survey["period"]))) + "; andelarna vägs med "
                     "antalet svarande, och skillnader på några procentenheter kan bero på urvalet.")
    doc.add(Bullets(lines))


__all__ = ["ANALYSIS_PLACEHOLDER", "decision_text", "summary_sentences"]
