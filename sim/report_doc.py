"""report.html: the plan on one self-contained page, to discuss or print (A4).

A coordinator and an entrepreneur need one page they can keep, mail and print: the verdict,
survival with its intervals, the cash fan, what it takes to cover the costs, what must be
true (the top of the tornado), the cash-flow forecast's bottom lines, the key assumptions
with their sources, and the model's limits. Every figure is generated from the results.

The charts are plotly figures made by the caller (the dashboard's chart functions, so the
page and the dashboard draw the same pictures; the model never imports the dashboard), and
so are the About page's words on assumptions and limits, given as markdown. The page embeds
plotly.js once, inline: it works offline and loads nothing from the network.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from markdown_it import MarkdownIt

from sim import report
from sim.cashflow import CLOSING, TOTAL_PAYMENTS, TOTAL_RECEIPTS, Forecast
from sim.plan_figures import plan_figures
from sim.plan_verdict import plan_verdict
from sim.scenario_file import Setting
from sim.whatif import DEFAULT_PARAMS, PARAM_LABELS

if TYPE_CHECKING:
    from sim.experiment import Results

__all__ = ["ReportParts", "TOP_ASSUMPTIONS", "report_html", "verdict"]

TOP_ASSUMPTIONS = 5  # rows of the tornado shown: what must be true

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #1b1b1b;
       line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ccd; padding-bottom: .2rem;
     margin-top: 1.8rem; }
.meta { color: #555; font-size: .9rem; }
.verdict { background: #eef4fb; border-left: 4px solid #1f6fb4; padding: .7rem 1rem;
           font-size: 1.05rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .25rem .6rem; text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
.chart { page-break-inside: avoid; break-inside: avoid; }
.note { color: #555; font-size: .88rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  section { page-break-inside: avoid; break-inside: avoid; }
  .chart { width: 100%; }
  .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


@dataclass(frozen=True)
class ReportParts:
    """What the page takes from outside the model.

    Attributes:
        figures: plotly figures by name: ``survival``, ``cash`` and ``tornado`` (any left
            out is not drawn).
        notes: markdown by name: ``assumptions`` and ``limits``.
    """

    figures: Mapping[str, Any] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)


def verdict(results: Results, summary: dict[str, Any]) -> str:
    """The plan's verdict as the Plan page gives it: whether it survives, when failures come
    and why (:func:`sim.plan_verdict.plan_verdict`), then the page's paragraph."""
    figures = plan_figures(summary, results.runs)
    answer = plan_verdict(results, summary, figures)
    paragraph = report.plan_paragraph(summary, figures, results.scenario.business.name)
    return f"{answer.text} {paragraph}"


def _years(month: int) -> str:
    """12 -> "1 year", 36 -> "3 years", 30 -> "30 months"."""
    if month % 12:
        return f"{month} months"
    return f"{month // 12} year{'s' if month != 12 else ''}"


def _value(value: float) -> str:
    """A setting's value without scientific notation: 10,800 or 0.12 or 21.6."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def _e(text: Any) -> str:
    return html.escape(str(text))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int]) -> str:
    def cells(values: Sequence[Any], tag: str) -> str:
        return "".join(
            f"<{tag}{' class=n' if i in numeric else ''}>{_e(v)}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f"<table><thead><tr>{cells(header, 'th')}</tr></thead><tbody>{body}</tbody></table>"


class _Charts:
    """Figures to HTML: plotly.js inlined with the first one only."""

    def __init__(self, figures: Mapping[str, Any]) -> None:
        self.figures = figures
        self.bundled = False

    def __call__(self, name: str) -> str:
        figure = self.figures.get(name)
        if figure is None:
            return ""
        div = figure.to_html(
            full_html=False,
            include_plotlyjs=not self.bundled,
            include_mathjax=False,
            config={"displayModeBar": False, "responsive": True},
            div_id=f"chart-{name}",
        )
        self.bundled = True
        return f'<div class="chart">{div}</div>'


def _survival(results: Results, summary: dict[str, Any]) -> str:
    figures = plan_figures(summary, results.runs)
    rows = [
        (
            f"after {_years(e['month'])}",
            report.pct(e["estimate"]),
            f"{report.pct(e['lower'])} to {report.pct(e['upper'])}",
        )
        for e in figures["survival"]
    ]
    failure = summary["median_failure_month"]
    table = _table(["Still trading", "estimate", "95% CI"], rows, {1, 2})
    when = (
        "None of the futures failed."
        if failure["median"] is None
        else f"Among the {failure['n_failed']:,} futures that failed, half had failed by "
        f"month {failure['median']:g}."
    )
    return table + f"<p>{_e(when)}</p>"


def _breakeven(results: Results, summary: dict[str, Any]) -> str:
    figures = plan_figures(summary, results.runs)
    rows = list(report.breakeven_rows(summary.get("breakeven_facts")))
    breakeven = figures["breakeven"]
    month = breakeven["median"]
    rows.insert(
        0,
        (
            "Covering its costs from month (median over all futures)",
            "never in half of them" if month is None else f"month {month:.0f}",
        ),
    )
    rows.insert(1, ("Futures that ever cover their costs", report.pct(breakeven["share"])))
    cost, price = summary["cost_per_hour"], summary["price_per_hour"]
    rows.append(
        (
            "Cost per delivered hour (pooled over all futures, 95% CI)",
            f"{report.pounds(cost.get('mean'))} ({report.pounds(cost.get('lower'))} to "
            f"{report.pounds(cost.get('upper'))})",
        )
    )
    rows.append(("Income per delivered hour (pooled)", report.pounds(price.get("mean"))))
    return _table(["", "value"], rows, {1})


def _what_must_be_true(
    tornado: pd.DataFrame | None, reps: int, delta: float, results: Results
) -> str:
    if tornado is None or tornado.empty:
        return "<p>Not computed.</p>"
    label = tornado.attrs.get("metric_label", tornado.attrs.get("metric", "the metric"))
    is_share = str(tornado.attrs.get("metric", "")).startswith(("survival", "breakeven"))

    def effect(row: Any, side: str) -> str:
        mean, lower, upper = (row[f"{side}_{k}"] for k in ("effect", "lower", "upper"))
        if is_share:
            return (
                f"{report.signed_points(mean)} pp ({report.signed_points(lower)} to "
                f"{report.signed_points(upper)})"
            )
        return f"{mean:+,.0f} ({lower:+,.0f} to {upper:+,.0f})"

    rows = []
    for _, row in tornado.head(TOP_ASSUMPTIONS).iterrows():
        rows.append(
            (
                PARAM_LABELS.get(row["param"], row["param"]),
                " / ".join(_value(row[k]) for k in ("low_value", "base_value", "high_value")),
                effect(row, "low"),
                effect(row, "high"),
            )
        )
    intro = (
        f"Each assumption moved down and up by {delta:.0%}, on common random numbers: the "
        f"change in {label}, with its 95% CI, from {reps:,} simulated futures each "
        f"(a quick estimate: the main results use {results.reps:,}). The {TOP_ASSUMPTIONS} "
        "that matter most:"
    )
    unit = " (percentage points)" if is_share else ""
    return f"<p>{_e(intro)}</p>" + _table(
        ["assumption", "lower / plan / higher", f"lower{unit}", f"higher{unit}"],
        rows,
        {1, 2, 3},
    )


def _cash_flow(pair: Sequence[Forecast]) -> str:
    rows = []
    for forecast in pair:
        table = forecast.by_year
        for column in table.columns:
            values = table[column].astype(float)
            rows.append(
                (
                    f"{forecast.label}, {column}",
                    report.pounds(float(values[TOTAL_RECEIPTS]), 0),
                    report.pounds(float(values[TOTAL_PAYMENTS]), 0),
                    report.pounds(float(values[CLOSING]), 0),
                )
            )
    notes = " ".join(f.how_chosen() for f in pair)
    return (
        _table(["future, year", "receipts", "payments", "closing cash"], rows, {1, 2, 3})
        + f'<p class="note">{_e(notes)} The month-by-month forecast is in cashflow.xlsx.</p>'
    )


def _assumptions(settings: Sequence[Setting], notes: Mapping[str, str], md: MarkdownIt) -> str:
    by_path = {s.path: s for s in settings}
    rows = [
        (PARAM_LABELS.get(p, p), by_path[p].value, by_path[p].source)
        for p in DEFAULT_PARAMS
        if p in by_path
    ]
    text = md.render(notes["assumptions"]) if notes.get("assumptions") else ""
    return (
        _table(["setting", "value", "source"], rows, {1})
        + '<p class="note">Every setting, with its value and source, is in the Assumptions '
        "sheet of cashflow.xlsx.</p>" + text
    )


def report_html(
    results: Results,
    summary: dict[str, Any],
    pair: Sequence[Forecast],
    settings: Sequence[Setting],
    tornado: pd.DataFrame | None,
    tornado_reps: int,
    parts: ReportParts,
    source_name: str = "",
    tornado_delta: float = 0.2,
) -> str:
    """The whole page as one HTML document."""
    md = MarkdownIt()
    charts = _Charts(parts.figures)
    scenario = results.scenario
    name = scenario.business.name
    where = f" from {source_name}" if source_name else ""
    cash = summary["final_cash"]
    sections = [
        ("Verdict", f'<p class="verdict" id="verdict">{_e(verdict(results, summary))}</p>'),
        ("Will it still be trading?", _survival(results, summary) + charts("survival")),
        (
            "Cash in the bank",
            f"<p>Cash at the end of month {results.horizon} across the futures: P10 "
            f"{_e(report.pounds(cash['p10'], 0))}, median {_e(report.pounds(cash['p50'], 0))}"
            f", P90 {_e(report.pounds(cash['p90'], 0))}.</p>" + charts("cash"),
        ),
        ("What it takes to cover the costs", _breakeven(results, summary)),
        (
            "What must be true",
            _what_must_be_true(tornado, tornado_reps, tornado_delta, results) + charts("tornado"),
        ),
        ("Cash-flow forecast by year", _cash_flow(pair)),
        ("Key assumptions", _assumptions(settings, parts.notes, md)),
        ("The model's limits", md.render(parts.notes.get("limits", ""))),
    ]
    body = "".join(
        f"<section><h2>{_e(title)}</h2>{content}</section>" for title, content in sections
    )
    meta = (
        f"{results.reps:,} simulated futures of {results.horizon} months, seed {results.seed}"
        f"{where}. microcare-sim: every figure is an estimate from these simulated futures, "
        "with its 95% interval where one applies."
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Plan report: {_e(name)}</title><style>{CSS}</style></head><body>"
        f"<h1>Plan report: {_e(name)}</h1><p class=meta>{_e(meta)}</p>{body}</body></html>"
    )
