"""The Start-up support verdict (:func:`sim.support.support_verdict`) on small real runs:
support that changes nothing is said to change nothing; a grant that saves start-ups short
of cash is named with the table's figures and the failures it prevents, counted here."""

from __future__ import annotations

import sim
from sim import experiment, support
from sim.scenario import DEFAULT_SCENARIO

REPS = 40


def compared(overrides: dict[str, object], options: support.SupportOptions) -> tuple:
    plan = sim.load_scenario(DEFAULT_SCENARIO).with_overrides({"run.months": 24, **overrides})
    variants = support.support_variants(plan, ["grant"], options)
    comparison = experiment.compare(list(variants.values()), reps=REPS, seed=3, workers=1)
    names = list(variants)
    table = support.support_table(names, comparison.results, ["grant"], options)
    return names, comparison.results, table


def test_support_that_changes_nothing_is_within_the_noise() -> None:
    # a grant of £1 cannot save a business: every future is the same with and without it
    names, results, table = compared({}, support.SupportOptions(grant_amount=1.0))
    headline, reason = support.support_verdict(names, results, table)
    assert headline.startswith("No kind of support changes how many businesses")
    assert "+0.0 per 100 supported (95% CI +0.0 to +0.0)" in headline
    assert f"the noise of {REPS} simulated futures" in headline and reason == ""


def test_a_grant_that_saves_start_ups_short_of_cash_is_named_with_its_figures() -> None:
    # £5,000 in the bank, £4,000 spent on day 0: without help, cash runs out in month 1
    short = {"business.start_cash": 5000.0, "costs.startup_costs": 4000.0}
    names, results, table = compared(short, support.SupportOptions(grant_amount=6000.0))
    row = table.iloc[0]
    assert row["extra_lower"] > 0  # the premise: the grant helps beyond the noise
    headline, reason = support.support_verdict(names, results, table)
    assert headline.startswith(f"“{names[1]}” keeps the most extra businesses trading")
    assert (
        f"{row['extra_per_100']:+.1f} per 100 supported (95% CI {row['extra_lower']:+.1f} to "
        f"{row['extra_upper']:+.1f})"
    ) in headline
    # insolvencies by month 24 per 100 futures, counted from the runs of each
    counts = []
    for res in results:
        runs = res.runs
        counts.append(
            int((runs["failed"].astype(bool) & (runs["failure_cause"] == "insolvency")).sum())
        )
    assert counts[0] > counts[1]
    per_100 = [f"{100 * c / REPS:.0f}" for c in counts]
    assert f"insolvency (ran out of cash) {per_100[0]} → {per_100[1]} per 100" in reason
    assert "adds cash, not work" in reason
