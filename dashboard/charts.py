"""Charts: pure functions from results to plotly figures, testable without Streamlit.

Each function takes :class:`sim.experiment.Results` (or several, or a table from
:mod:`sim.support` or :mod:`sim.council`) and returns a new ``plotly.graph_objects.Figure``;
nothing is computed here that is not a grouping or an average for drawing. Monthly averages
are over the simulated futures still trading that month, which the hover text says.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.formatting import is_share_metric, metric_words
from sim.report import pounds
from sim.results import by_days, declined_by_channel, month_values
from sim.whatif import param_value, target_words

BLUE = "#1f6fb4"
ORANGE = "#e07b00"
RED = "#c0392b"
GREEN = "#2e8b57"
GREY = "#7f7f7f"
PALETTE = ("#1f6fb4", "#e07b00", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f7f7f", "#d4ac0d")
CHANNEL_NAMES = {
    "self_funder": "Self-funders",
    "direct_payment": "Direct payments",
    "professional": "Professionals",
    "word_of_mouth": "Word of mouth",
    "local_authority": "Council",
}
PAYER_NAMES = {
    "clients_self_funder": "Self-funders",
    "clients_direct_payment": "Direct payments",
    "clients_local_authority": "Council-funded",
}
LAYOUT = {
    "template": "plotly_white",
    "height": 460,
    "margin": {"l": 10, "r": 10, "t": 96, "b": 10},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    "hovermode": "x unified",
}


@functools.cache
def _template() -> go.layout.Template:
    """The figures' template (``LAYOUT["template"]``), validated once a process."""
    return go.Figure(layout={"template": LAYOUT["template"]}).layout.template


def _layout(fig: go.Figure, title: str, **extra: Any) -> go.Figure:
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xref": "paper",
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
        }
    )
    # Setting a template validates and copies the whole of it again, about 10 ms a figure
    # (half the cost of drawing one); this one is validated already, so it is set as plotly
    # sets its default template on every new figure, without validation. The figure is the
    # same, to the byte of its JSON.
    fig.layout._validate = False
    try:
        fig.layout.template = _template()
    finally:
        fig.layout._validate = True
    fig.update_layout(**{key: value for key, value in LAYOUT.items() if key != "template"})
    fig.update_layout(**extra)
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _band(
    fig: go.Figure,
    x: Any,
    lower: Any,
    upper: Any,
    name: str,
    colour: str,
    alpha: float,
    group: str | None = None,
    **kw: Any,
) -> None:
    """A filled band between two lines: the lower edge (no legend), then the upper edge."""
    group = group or name
    fig.add_trace(
        go.Scatter(
            x=x,
            y=lower,
            mode="lines",
            line={"width": 0},
            name=f"{name} (lower)",
            legendgroup=group,
            showlegend=False,
            hoverinfo="skip",
        ),
        **kw,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=upper,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=_rgba(colour, alpha),
            name=name,
            legendgroup=group,
            hoverinfo="skip",
        ),
        **kw,
    )


def monthly_means(monthly: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Means per month over the futures still trading, with their number ``n``."""
    grouped = monthly.groupby("month", sort=True)
    table = grouped[list(columns)].mean()
    table.insert(0, "n", grouped.size())
    return table.reset_index()


# --- the Plan page -------------------------------------------------------------------------


def cash_fan(results: Any) -> go.Figure:
    """Closing cash per month: median, P25-P75 and P10-P90 bands over the futures still
    trading, the overdraft limit, and the month and cash of each failure."""
    bands = results.cash_bands()
    fig = go.Figure()
    x = bands["month"]
    _band(fig, x, bands["p10"], bands["p90"], "P10–P90", BLUE, 0.15)
    _band(fig, x, bands["p25"], bands["p75"], "P25–P75", BLUE, 0.3)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=bands["p50"],
            mode="lines",
            line={"color": BLUE, "width": 2.5},
            name="Median",
            customdata=bands["n"],
            hovertemplate="£%{y:,.0f} (median of %{customdata} trading)<extra></extra>",
        )
    )
    limit = -float(results.scenario.business.overdraft)
    fig.add_trace(
        go.Scatter(
            x=[1, results.horizon],
            y=[limit, limit],
            mode="lines",
            line={"color": RED, "dash": "dash"},
            name="Overdraft limit",
            hovertemplate=f"overdraft limit {pounds(limit, 0)}<extra></extra>",
        )
    )
    runs = results.runs
    failed = runs[runs["failed"].astype(bool)]
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(failed))  # fixed: same picture
    fig.add_trace(
        go.Scatter(
            x=month_values(failed["failure_month"]) + jitter,
            y=failed["final_cash"].astype(float),
            mode="markers",
            marker={"color": RED, "symbol": "x", "size": 6, "opacity": 0.45},
            name=f"Failures ({len(failed):,})",
            customdata=failed["failure_cause"].fillna("").str.replace("_", " "),
            hovertemplate="failed: %{customdata}, cash £%{y:,.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(title="Cash at the end of the month (£)", tickprefix="£", tickformat=",.0f")
    fig.update_xaxes(title="Month")
    return _layout(fig, "Cash in the bank: the range of simulated futures")


def survival_curve(results: Any) -> go.Figure:
    """Share of futures still trading at the end of each month, with its 95% band."""
    curve = results.survival_curve()
    fig = go.Figure()
    _band(fig, curve["month"], curve["lower"], curve["upper"], "95% interval", BLUE, 0.2)
    fig.add_trace(
        go.Scatter(
            x=curve["month"],
            y=curve["survival"],
            mode="lines",
            line={"color": BLUE, "width": 2.5, "shape": "hv"},
            name="Still trading",
            hovertemplate="%{y:.0%} still trading<extra></extra>",
        )
    )
    _survival_axes(fig)
    return _layout(fig, "Chance the business is still trading")


def _survival_axes(fig: go.Figure) -> None:
    fig.update_yaxes(title="Still trading", tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(title="Month")


def income_vs_costs(results: Any) -> go.Figure:
    """Average income earned and costs (owner's minimum drawings included) per month, by
    days (:func:`sim.results.by_days`: a month of five weekly settlements and one of four on
    the same footing, so a steady business is a flat line), with the months whose average
    result is a loss marked."""
    days = by_days(results.monthly)
    monthly = days.assign(
        income_earned=days["income"],
        operating_result=days["result"],
        loss=(days["result"] < 0).astype(float),
    )
    means = monthly_means(monthly, ["income_earned", "costs", "operating_result", "loss"])
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=means["month"],
            y=means["income_earned"],
            mode="lines",
            line={"color": GREEN, "width": 2.5},
            name="Income earned",
            hovertemplate="income £%{y:,.0f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=means["month"],
            y=means["costs"],
            mode="lines",
            line={"color": ORANGE, "width": 2.5},
            name="Costs",
            hovertemplate="costs £%{y:,.0f}<extra></extra>",
        )
    )
    short = means[means["operating_result"] < 0]
    fig.add_trace(
        go.Scatter(
            x=short["month"],
            y=short["costs"],
            mode="markers",
            marker={"color": RED, "size": 8, "symbol": "triangle-down"},
            name="Not covering costs",
            customdata=np.stack([short["operating_result"], short["loss"]], axis=-1)
            if len(short)
            else None,
            hovertemplate="average loss £%{customdata[0]:,.0f}; "
            "%{customdata[1]:.0%} of futures lose money<extra></extra>",
        )
    )
    fig.update_yaxes(
        title="£ a month, by days (costs incl. owner's drawings)",
        tickprefix="£",
        tickformat=",.0f",
    )
    fig.update_xaxes(title="Month")
    return _layout(fig, "Income earned and costs per month")


def clients_by_payer(results: Any) -> go.Figure:
    """Average clients per month, stacked by who pays."""
    columns = [c for c in PAYER_NAMES if c in results.monthly.columns]
    means = monthly_means(results.monthly, columns)
    fig = go.Figure()
    colours = {
        "clients_self_funder": BLUE,
        "clients_direct_payment": ORANGE,
        "clients_local_authority": GREEN,
    }
    for column in columns:
        fig.add_trace(
            go.Scatter(
                x=means["month"],
                y=means[column],
                mode="lines",
                stackgroup="clients",
                line={"color": colours[column]},
                name=PAYER_NAMES[column],
                hovertemplate="%{y:.1f}<extra>" + PAYER_NAMES[column] + "</extra>",
            )
        )
    fig.update_yaxes(title="Clients (average of futures still trading)")
    fig.update_xaxes(title="Month")
    return _layout(fig, "Clients by who pays")


def staff_and_continuity(results: Any) -> go.Figure:
    """Average employees and carers per client (left axis) and continuity of care (right
    axis) per month."""
    means = monthly_means(results.monthly, ["staff", "continuity", "carers_per_client"])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Scatter(
            x=means["month"],
            y=means["staff"],
            mode="lines",
            line={"color": BLUE, "width": 2.5},
            name="Employees",
            hovertemplate="%{y:.1f} employees<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=means["month"],
            y=means["continuity"],
            mode="lines",
            line={"color": GREEN, "width": 2.5, "dash": "dot"},
            name="Continuity of care",
            hovertemplate="%{y:.0%} of hours by a settled regular carer<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.add_trace(
        go.Scatter(
            x=means["month"],
            y=means["carers_per_client"],
            mode="lines",
            line={"color": GREEN, "width": 1.5},
            name="Carers per client",
            hovertemplate="%{y:.2f} different carers a client saw<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.update_yaxes(
        title_text="Employees besides the owner; carers per client",
        rangemode="tozero",
        secondary_y=False,
    )
    fig.update_yaxes(
        title_text="Hours by a settled regular carer",
        tickformat=".0%",
        range=[0, 1.02],
        dtick=0.2,
        showgrid=False,
        secondary_y=True,
    )
    fig.update_xaxes(title_text="Month")
    return _layout(fig, "Staff and continuity of care")


def referrals_by_channel(results: Any) -> go.Figure:
    """Referrals accepted and declined per simulated future, by channel."""
    table = declined_by_channel(results.monthly)
    table = table[table["referrals"] > 0]
    names = [CHANNEL_NAMES.get(c, c) for c in table["channel"]]
    reps = max(results.reps, 1)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=names,
            y=table["accepted"] / reps,
            name="Accepted",
            marker_color=GREEN,
            hovertemplate="%{y:.1f} accepted<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=table["declined"] / reps,
            name="Declined",
            marker_color=RED,
            customdata=table["share_declined"],
            hovertemplate="%{y:.1f} declined (%{customdata:.0%})<extra></extra>",
        )
    )
    fig.update_layout(barmode="stack", hovermode="x")
    fig.update_yaxes(title="Referrals per simulated future")
    return _layout(
        fig, f"Referrals accepted and declined over {results.horizon} months", hovermode="x"
    )


PLAN_CHARTS = (
    ("cash", cash_fan),
    ("survival", survival_curve),
    ("income", income_vs_costs),
    ("clients", clients_by_payer),
    ("staff", staff_and_continuity),
    ("referrals", referrals_by_channel),
)


# --- comparisons (Start-up support, Referral policy) ---------------------------------------


def survival_comparison(names: Sequence[str], results: Sequence[Any]) -> go.Figure:
    """Survival curves of several scenarios, each with its 95% band, overlaid."""
    fig = go.Figure()
    for i, (name, res) in enumerate(zip(names, results, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        curve = res.survival_curve()
        _band(
            fig,
            curve["month"],
            curve["lower"],
            curve["upper"],
            f"{name} 95%",
            colour,
            0.12,
            group=name,
        )
        fig.data[-1].showlegend = False
        fig.add_trace(
            go.Scatter(
                x=curve["month"],
                y=curve["survival"],
                mode="lines",
                line={"color": colour, "width": 2.5, "shape": "hv"},
                name=name,
                legendgroup=name,
                hovertemplate="%{y:.0%}<extra>" + name + "</extra>",
            )
        )
    _survival_axes(fig)
    return _layout(fig, "Chance of still trading, side by side (same random futures)")


def support_effects(table: pd.DataFrame) -> go.Figure:
    """Extra businesses still trading per 100 supported, by kind of support, with 95% CIs
    (from :func:`sim.support.support_table`)."""
    fig = go.Figure()
    if not table.empty:
        fig.add_trace(
            go.Scatter(
                x=table["extra_per_100"],
                y=table["support"],
                mode="markers",
                marker={"color": BLUE, "size": 12},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": table["extra_upper"] - table["extra_per_100"],
                    "arrayminus": table["extra_per_100"] - table["extra_lower"],
                    "color": BLUE,
                },
                name="Extra businesses trading",
                hovertemplate="%{x:+.1f} per 100 supported<extra>%{y}</extra>",
            )
        )
    fig.add_vline(x=0, line={"color": GREY, "dash": "dash"})
    month = int(table["month"].iloc[0]) if not table.empty else 36
    fig.update_xaxes(title=f"Extra businesses still trading at month {month}, per 100 supported")
    fig = _layout(
        fig,
        "What each kind of support adds (paired difference, 95% CI)",
        hovermode="closest",
        showlegend=False,
    )
    fig.update_layout(height=max(260, 90 + 60 * len(table)), margin={"t": 50})
    return fig


def policy_measures(table: pd.DataFrame) -> go.Figure:
    """Continuity, council-funded share, council referrals declined and what the council pays
    per delivered hour, one panel each, one bar per policy (from
    :func:`sim.council.policy_table`)."""
    panels = (
        ("continuity", "Continuity of care", ".0%"),
        ("council_share", "Council-funded share of clients", ".0%"),
        ("la_declined_share", "Council referrals declined", ".0%"),
        ("council_pays", "Council pays per delivered hour (£)", ",.2f"),
    )
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[p[1] for p in panels],
        vertical_spacing=0.18,
        horizontal_spacing=0.08,
    )
    for i, (column, _title, fmt) in enumerate(panels):
        values = pd.to_numeric(table[column], errors="coerce")
        for j, (policy, value) in enumerate(zip(table["policy"], values, strict=True)):
            fig.add_trace(
                go.Bar(
                    x=[policy],
                    y=[value],
                    marker_color=PALETTE[j % len(PALETTE)],
                    name=policy,
                    legendgroup=policy,
                    showlegend=i == 0,
                    hovertemplate="%{x}: %{y:" + fmt + "}<extra></extra>",
                ),
                row=i // 2 + 1,
                col=i % 2 + 1,
            )
        axis_format = ".0%" if fmt == ".0%" else ",.2f"
        fig.update_yaxes(tickformat=axis_format, row=i // 2 + 1, col=i % 2 + 1)
    fig.update_xaxes(showticklabels=False)
    fig = _layout(fig, "What each policy means for care and for the council", hovermode="closest")
    fig.update_layout(
        height=640,
        margin={"t": 60},
        legend={"orientation": "h", "y": -0.04, "yanchor": "top", "x": 0},
    )
    return fig


# --- what must be true ---------------------------------------------------------------------


def tornado(table: pd.DataFrame, labels: dict[str, str] | None = None) -> go.Figure:
    """Sensitivity as a tornado: each parameter's paired effect on the metric when moved down
    and up, largest swing on top, with 95% CIs as error bars (a table from
    :func:`sim.whatif.sensitivity`)."""
    labels = labels or {}
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    names = [labels.get(p, p) for p in rows["param"]]
    code = str(table.attrs.get("metric", ""))
    # shares are drawn in percentage points (100 x the change in a share), money in £
    scale, unit = (100.0, "percentage points") if is_share_metric(code) else (1.0, "")
    if not unit and code.removesuffix("_p50") in ("final_cash", "operating_result"):
        unit = "£"
    fig = go.Figure()
    for side, colour, word in (("low", ORANGE, "lower"), ("high", BLUE, "higher")):
        effect = scale * rows[f"{side}_effect"].to_numpy(float)
        fig.add_bar(
            y=names,
            x=effect,
            orientation="h",
            name=f"parameter {word}",
            marker_color=colour,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": scale * rows[f"{side}_upper"].to_numpy(float) - effect,
                "arrayminus": effect - scale * rows[f"{side}_lower"].to_numpy(float),
            },
            customdata=rows[f"{side}_value"].to_numpy(float),
            hovertemplate="%{y}<br>set to %{customdata:,.2f}: change %{x:,.1f}"
            + (f" {unit}" if unit else "")
            + "<extra></extra>",
        )
    metric = metric_words(code) if code else table.attrs.get("metric_label", "metric")
    fig = _layout(
        fig,
        f"Which assumption matters most for the {metric}? (paired change, 95% CI)",
        barmode="overlay",
        hovermode="closest",
        height=max(360, 48 * len(table) + 140),
        xaxis_title=f"change in the {metric}" + (f" ({unit})" if unit else ""),
    )
    fig.update_xaxes(tickformat=",.0f" if unit in ("£", "percentage points") else ",")
    return fig


def goal_curve(answer: Any, label: str | None = None) -> go.Figure:
    """The metric against the parameter, with its 95% band, the target and the answer (a
    :class:`sim.whatif.GoalSeek`); shares drawn as percentages, values never in scientific
    notation."""
    curve = answer.curve
    x = curve["value"].to_numpy(float)
    code = answer.target.metric
    scale = 100.0 if is_share_metric(code) else 1.0
    fig = go.Figure()
    _band(fig, x, scale * curve["lower"], scale * curve["upper"], "95% CI", BLUE, 0.2)
    fig.add_scatter(
        x=x,
        y=scale * curve["mean"],
        mode="lines+markers",
        name="estimate",
        line={"color": BLUE},
    )
    fig.add_hline(
        y=scale * answer.target.value,
        line={"color": RED, "dash": "dash"},
        annotation_text=f"target: {target_words(answer.target)}",
        annotation_position="top left",
    )
    if answer.value is not None and answer.direction:
        fig.add_vline(
            x=answer.value,
            line={"color": GREEN},
            annotation_text=f"{answer.direction} {param_value(answer.param, answer.value)}",
            annotation_position="bottom right",
        )
        if answer.lower is not None and answer.upper is not None:
            fig.add_vrect(
                x0=answer.lower, x1=answer.upper, fillcolor=GREEN, opacity=0.12, line_width=0
            )
    name = label or answer.param
    words = metric_words(code)
    unit = " (%)" if scale == 100.0 else ""
    fig = _layout(
        fig,
        f"The {words} against the {name}",
        xaxis_title=name,
        yaxis_title=f"{words[:1].upper()}{words[1:]}{unit}",
        hovermode="closest",
    )
    fig.update_xaxes(tickformat=",")
    fig.update_yaxes(tickformat=",")
    return fig
