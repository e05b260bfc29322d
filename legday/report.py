"""Exports of the weekly analysis: a CSV of the weeks, a self-contained HTML report.

The HTML report embeds Plotly's JavaScript once, so the file opens offline in
any browser and can be mailed to a coach as it is.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go

from legday.charts import season as season_charts
from legday.charts import trends
from legday.charts.checkins import legs_after_chart
from legday.checkins import legs_after
from legday.corrections import corrections_html
from legday.csv_export import csv_text
from legday.library import Library
from legday.plan import plan_rows
from legday.schema import MINUTE_S
from legday.season import Season, json_value
from legday.strength.muscles import MUSCLE_GROUPS
from legday.units import Units

#: Columns of the CSV that hold lists, written as "; "-joined text.
LIST_COLUMNS = ("leg_day_reasons", "findings")


def last_weeks(season: Season, weeks: int | None) -> pd.DataFrame:
    """The last ``weeks`` rows of the weekly table (all when None)."""
    table = season.weeks
    return table if weeks is None or weeks <= 0 else table.iloc[-weeks:]


def weekly_csv(season: Season, weeks: int | None = None) -> str:
    """The weekly table as CSV: one row per ISO week, numbers rounded by unit."""
    table = last_weeks(season, weeks)
    rows = []
    for label, week in table.iterrows():
        row: list[object] = [label]
        for column, value in week.items():
            name = str(column)
            if name == "findings":
                row.append("; ".join(f"{f.code}: {f.message}" for f in value
                                     if f.code != "leg_day"))
            elif name == "leg_day_reasons":
                row.append("; ".join(value))
            else:
                row.append(json_value(name, value))
        rows.append(row)
    return csv_text(["week", *map(str, table.columns)], rows)


def _figure_html(fig: go.Figure, first: bool) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=True if first else False,
                           config={"displaylogo": False, "responsive": True}))


def _findings_html(weeks: pd.DataFrame) -> str:
    items = []
    for label, week in weeks.iloc[::-1].iterrows():
        findings = [f for f in week["findings"] if f.code != "leg_day"]
        verdict = html.escape(str(week["leg_day"]))
        reasons = html.escape("; ".join(week["leg_day_reasons"]))
        lines = "".join(f"<li class='{html.escape(f.severity)}'><b>{html.escape(f.code)}</b>: "
                        f"{html.escape(f.message)}</li>" for f in findings)
        items.append(f"<h3>{html.escape(str(label))} — leg day: {verdict}</h3>"
                     f"<p class='reasons'>{reasons}</p><ul>{lines}</ul>")
    return "\n".join(items)


def _standing_html(season: Season) -> str:
    if not season.standing:
        return ""
    items = "".join(f"<li class='{html.escape(n.severity)}'><b>{html.escape(n.code)}</b> "
                    f"({n.weeks} weeks, {html.escape(n.first)} to {html.escape(n.last)}): "
                    f"{html.escape(n.message)} <i>{html.escape(n.action)}</i></li>"
                    for n in season.standing)
    return f"<h2>Standing notes</h2>\n<ul>{items}</ul>"


def _months_of(climbing: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The climbing months that overlap the report's weeks."""
    if table.empty or climbing.empty:
        return climbing.iloc[:0]
    first = str(table["week_start"].iloc[0])[:7]
    return climbing[[str(m) >= first for m in climbing.index]]


def _soreness(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.0f}/10"


def _checkins_html(linked: pd.DataFrame, weeks: pd.DataFrame) -> str:
    """The morning-after chart and the mornings of the weeks shown (newest first)."""
    shown = linked[linked["week"].isin(weeks.index)] if "week" in linked.columns else linked
    if shown.empty:
        return "<p>No next-morning check-ins in these weeks.</p>"
    chart = _figure_html(legs_after_chart(legs_after(shown)), first=False)
    rows = "".join(
        f"<tr><td>{r['date']:%Y-%m-%d}</td><td>{html.escape(str(r['legs']))}</td>"
        f"<td>{_soreness(r['soreness'])}</td>"
        f"<td>{html.escape(', '.join(r['muscles']))}</td>"
        f"<td>{html.escape(str(r['after_words']))}</td>"
        f"<td>{html.escape(str(r['note'] or ''))}</td></tr>"
        for r in shown.iloc[::-1].to_dict("records"))
    return (f"{chart}<table><tr><th>morning</th><th>legs</th><th>soreness</th>"
            f"<th>muscles</th><th>the day before</th><th>note</th></tr>{rows}</table>")


def _notes_html(notes: pd.DataFrame) -> str:
    if notes is None or notes.empty:
        return "<p>No coach notes yet.</p>"
    rows = "".join(f"<tr><td>{html.escape(str(r['week_start']))}</td>"
                   f"<td>{html.escape(str(r['author'] or 'coach'))}</td>"
                   f"<td>{html.escape(str(r['text']))}</td></tr>"
                   for r in notes.to_dict("records"))
    return f"<table><tr><th>week of</th><th>by</th><th>note</th></tr>{rows}</table>"


def _plans_html(library: Library, weeks: pd.DataFrame) -> str:
    rows = [r for r in plan_rows(library.season.runs, library.activities, lambda a: (
        library.efforts[library.efforts["activity_id"] == a.extra.get("activity_id")]))
        if r["week"] in weeks.index]
    if not rows:
        return ("<p>No run in these weeks carries a plan in its name, description or "
                "structured workout (a run's work and rest laps are set beside its efforts "
                "on its Activity page).</p>")
    return "<ul>" + "".join(
        f"<li class='{'good' if r['agrees'] else 'warning'}'><b>{html.escape(r['week'])} · "
        f"{html.escape(r['name'] or r['file'])}</b>: "
        f"{html.escape(' '.join(r['sentences']))}</li>" for r in rows) + "</ul>"


STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;padding:0 1rem}
h1{margin-bottom:0}.sub{color:#666;margin-top:.2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;min-width:150px}
.card b{display:block;font-size:1.4rem}
li.warning{color:#8a4b00}li.good{color:#005c43}.reasons{color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
.model{color:#666;font-style:italic}
"""


def report_figures(season: Season, table: pd.DataFrame, units: Units) -> list[go.Figure]:
    """The report's charts of the weeks of ``table``, every one of them in view (the
    dashboard's charts open on their latest weeks; a report shows the weeks it was asked for)."""
    return [
        season_charts.leg_day_strip(table, last=None),
        season_charts.weekly_mix(table, last=None),
        season_charts.distance_chart(table, units, last=None),
        season_charts.progression(table, last=None),
        season_charts.load_chart(table, last=None),
        season_charts.hard_easy(table, season.settings.max_hard_share, last=None),
        trends.downhill_trend(table, last=None),
        trends.climbing_trend(_months_of(season.climbing, table)),
        season_charts.region_balance(table, last=None),
        season_charts.muscle_coverage(table, MUSCLE_GROUPS, last=None),
        season_charts.muscle_coverage(table, MUSCLE_GROUPS, running=True, last=None),
    ]


def html_report(library: Library, *, athlete: str, weeks: int | None = None,
                units: Units | None = None, generated: dt.datetime | None = None) -> str:
    """A self-contained HTML report of the last ``weeks`` weeks (all when None), distances
    and paces in ``units`` (by default the athlete's, as the findings write them)."""
    season = library.season
    units = units or Units(season.settings.distance_unit)
    table = last_weeks(season, weeks)
    generated = generated or dt.datetime.now(dt.UTC)
    if table.empty:
        period = "no weeks with activities yet"
    else:
        period = f"{table.index[0]} to {table.index[-1]} ({len(table)} weeks)"
    figures = report_figures(season, table, units)
    charts = "\n".join(_figure_html(fig, i == 0) for i, fig in enumerate(figures))
    yes = int((table["leg_day"] == "yes").sum()) if not table.empty else 0
    metres = float(table["run_distance_m"].sum()) if not table.empty else 0.0
    type2_s = float(table["type2_s"].sum()) if not table.empty else 0.0
    sessions = int(table["strength_sessions"].sum()) if not table.empty else 0
    partly = int((table["leg_day"] == "partly").sum()) if not table.empty else 0
    steep_m = float(table["steep_descent_m"].sum()) if not table.empty else 0.0
    other_m = float(table["other_distance_m"].sum()) if not table.empty else 0.0
    cards = (f"<div class='card'>leg days<b>{yes} of {len(table)}</b>{partly} partly</div>"
             f"<div class='card'>running<b>{units.fmt_distance(metres, 0)}</b></div>"
             f"<div class='card'>type-II running<b>{type2_s / MINUTE_S:.0f} min</b></div>"
             f"<div class='card'>strength sessions<b>{sessions}</b></div>"
             f"<div class='card'>steep descent<b>{steep_m:.0f} m</b></div>"
             f"<div class='card'>other sports<b>{units.fmt_distance(other_m, 0)}</b></div>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>legday report — {html.escape(athlete)}</title>
<style>{STYLE}</style></head>
<body>
<h1>Does my running count as leg day?</h1>
<p class="sub">{html.escape(athlete)} · {html.escape(period)} · generated
{generated.strftime('%Y-%m-%d %H:%M UTC')} by legday</p>
<div class="cards">{cards}</div>
<p>Weeks are ISO weeks in the athlete's local time. Load is in session-RPE units;
load ratios describe the training, they do not predict injuries.
<span class="model">Running's muscle share is a model, not a measurement.</span>
{html.escape(trends.CLIMBING_PROXY)}</p>
{_standing_html(season)}
{charts}
<h2>Legs the morning after</h2>
<p>Each check-in judges the day before it: heavy or sore legs mean the legs were loaded.</p>
{_checkins_html(season.checkins, table)}
<h2>Week by week</h2>
{_findings_html(table)}
<h2>Plan beside detection</h2>
{_plans_html(library, table)}
{corrections_html(library.activities, library.runs)}
<h2>Coach notes</h2>
{_notes_html(library.notes)}
</body></html>
"""
