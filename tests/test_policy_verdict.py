"""The Referral policy page's verdict (sim.policy_verdict) on real small runs: every figure it
states is worked out again here from the runs and the monthly panel it summarises, and the
mechanism it names is the one those results show.

The cases: the open-framework provider whose owner accepts everything (issue 10: the
working-capital squeeze is still there to show), the same provider with the owner who decides
(an extra source of work does not hurt, and no squeeze is claimed), and comparisons whose
difference is none at all or within the noise.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

import sim
from sim import council, experiment, report
from sim.policy_verdict import policy_verdict
from sim.scenario import SCENARIO_DIR

REPS = 80
MONTH = 36
OPEN = sim.load_scenario(SCENARIO_DIR / "home_care_open_framework.toml")
NONE, EQUAL = "As in the scenario", "Open framework, equal share"


def compare(base: sim.Scenario, kinds: list[str], reps: int = REPS) -> experiment.Comparison:
    presets = council.council_policies()
    variants = council.policy_variants(base, [presets[k] for k in kinds])
    return experiment.compare(list(variants.values()), reps=reps, workers=1, names=list(variants))


def no_council_work_or_open(decides: bool) -> experiment.Comparison:
    """The open-framework provider (larger council packages, paid ~50 days after delivery)
    without council work (the reference) and on the open framework, equal share; run past
    month 36, where survival is compared, so that what comes later must be left out."""
    base = OPEN.with_overrides(
        {"run.months": 48, "council.framework": "none", "policy.decides": decides}
    )
    return compare(base, ["as_scenario", "open_equal"])


# --- figures worked out again from the results ---------------------------------------------


def alive(results: experiment.Results, month: int = MONTH) -> np.ndarray:
    runs = results.runs
    failed = runs["failed"].to_numpy(bool)
    when = runs["failure_month"].to_numpy(float, na_value=np.nan)
    return ~(failed & (when <= month))


def t_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval: mean ± t(0.975, n-1) s / √n."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def wilson(k: int, n: int) -> tuple[float, float]:
    z = stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def survival_words(results: experiment.Results) -> str:
    ok = alive(results)
    low, high = wilson(int(ok.sum()), len(ok))
    return f"{ok.mean():.0%} (95% CI {low:.0%} to {high:.0%})"


def signed(points: float) -> str:
    n = round(points)
    return f"{n:+d}" if n else "0"


def per_rep(results: experiment.Results, column: str, how: str) -> np.ndarray:
    """Each replication's max / mean / sum of ``column`` over months up to MONTH."""
    monthly = results.monthly
    rows = monthly[monthly["month"] <= MONTH]
    return rows.groupby("rep")[column].agg(how).reindex(range(results.reps)).to_numpy(float)


def with_ci(values: np.ndarray, fmt: str = "{:.1f}") -> str:
    mean, low, high = t_interval(values)
    return f"{fmt.format(mean)} (95% CI {fmt.format(low)} to {fmt.format(high)})"


def money_with_ci(values: np.ndarray) -> str:
    mean, low, high = t_interval(values)
    return f"£{mean:,.0f} (95% CI £{low:,.0f} to £{high:,.0f})"


def failures_by(results: experiment.Results) -> pd.DataFrame:
    runs = results.runs
    when = runs["failure_month"].astype(float)
    return runs[runs["failed"].astype(bool) & (when <= MONTH)]


def quartile_months(months: np.ndarray) -> tuple[int, int, int]:
    """The smallest month by which at least 1/4, 1/2, 3/4 of these failures had come."""
    ordered = np.sort(months)
    return tuple(int(ordered[math.ceil(q * len(ordered)) - 1]) for q in (0.25, 0.5, 0.75))


# --- the owner accepts everything: the squeeze ---------------------------------------------


def test_an_owner_who_accepts_everything_is_squeezed_by_council_invoices() -> None:
    comparison = no_council_work_or_open(decides=False)
    without, with_council = comparison.results
    verdict = policy_verdict(comparison.names, comparison.results)
    # The case: joining the open framework cuts survival at 3 years (paired CI below 0).
    diff = alive(with_council).astype(float) - alive(without).astype(float)
    mean, low, high = t_interval(diff)
    assert high < 0, (mean, low, high)
    assert verdict.headline == (
        f"At month 36, the reference, “{NONE}”, keeps the most providers trading: "
        f"{survival_words(without)}. “{EQUAL}” keeps the fewest providers trading: "
        f"{survival_words(with_council)}, {abs(round(100 * mean))} percentage points fewer than "
        f"the reference, “{NONE}” (95% CI {signed(100 * low)} to {signed(100 * high)})."
    )
    # The mechanism: failures by month 36 mostly insolvency...
    failed = failures_by(with_council)
    insolvent = failed[failed["failure_cause"] == "insolvency"]
    assert len(insolvent) > len(failed) / 2
    text = verdict.reason
    assert text.startswith(f"Why “{EQUAL}” keeps fewer trading than “{NONE}”: under “{EQUAL}”, ")
    assert (
        f"{len(insolvent) / len(failed):.0%} of the {len(failed)} failures by month 36 (of 80 "
        "simulated futures) are running out of cash (insolvency): a working-capital squeeze. "
        "Cash is tied up in council invoices: "
    ) in text
    # ...behind the council's terms: invoiced every 4 weeks in arrears (an hour waits 2 weeks
    # for its invoice on average) and paid a lognormal 35 days (mean) later: 35 + 14 = 49.
    lag = OPEN.council.payment_lag_days
    assert OPEN.council.invoice_cycle == "four_weekly" and lag.mean == 35.0
    assert (
        "the council is invoiced every 4 weeks in arrears and pays on average 35 days after "
        "each invoice, about 49 days after the care is delivered, while wages are paid every "
        "month, so the money owed to the business grows with its council clients." in text
    )
    # ...while the money owed to the business piles up, far above the provider without it.
    owed = per_rep(with_council, "owed_to_business", "max")
    owed_without = per_rep(without, "owed_to_business", "max")
    council_clients = per_rep(with_council, "clients_local_authority", "max")
    assert (
        council_clients.mean() > 0
        and (per_rep(without, "clients_local_authority", "max") == 0).all()
    )
    start = OPEN.business.start_cash
    beyond = f", more than the £{start:,.0f} it started with" if t_interval(owed)[1] > start else ""
    assert (
        f"At its peak it averages {money_with_ci(owed)} per provider{beyond}, with at most "
        f"{with_ci(council_clients)} council-funded clients (averages over the simulated "
        f"futures), against £{owed_without.mean():,.0f} under “{NONE}”, which takes no "
        "council work." in text
    )
    q1, median, q3 = quartile_months(insolvent["failure_month"].to_numpy(int))
    assert text.endswith(
        f"Cash runs out mostly in months {q1} to {q3} (the middle half of these failures; "
        f"half by month {median})."
    )
    # an owner who accepts everything turns nothing down: no refusals to explain
    assert "turns work down" not in text


# --- the owner who decides: no squeeze -----------------------------------------------------


def test_with_an_owner_who_decides_the_open_framework_does_not_hurt_and_no_squeeze_is_claimed() -> (
    None
):
    comparison = no_council_work_or_open(decides=True)
    without, with_council = comparison.results
    verdict = policy_verdict(comparison.names, comparison.results)
    diff = alive(with_council).astype(float) - alive(without).astype(float)
    mean, low, high = t_interval(diff)
    # issue 10: an extra source of work cannot hurt an owner who may refuse it
    assert mean >= -0.03 and low > 0, (mean, low, high)
    assert verdict.headline == (
        f"At month 36, “{EQUAL}” keeps the most providers trading: {survival_words(with_council)}"
        f", {round(100 * mean)} percentage points more than the reference, “{NONE}” (95% CI "
        f"{signed(100 * low)} to {signed(100 * high)}). The reference, “{NONE}”, keeps the "
        f"fewest providers trading: {survival_words(without)}."
    )
    text = verdict.reason
    assert "squeeze" not in text and "council invoices" not in text
    # the reference fails for its own most common reason, named with its share
    failed = failures_by(without)
    counts = failed["failure_cause"].value_counts()
    cause = sorted(counts.index, key=lambda c: (-counts[c], c))[0]
    assert text.startswith(
        f"Why “{NONE}” keeps fewer trading than “{EQUAL}”: under “{NONE}”, "
        f"{counts[cause] / len(failed):.0%} of the {len(failed)} failures by month 36 (of 80 "
        f"simulated futures) are {report.cause_words(cause)}"
    )
    # the owner on the framework turns council work down by their rules, and says why
    refused_columns = [c for c in with_council.monthly.columns if c.startswith("refused_")]
    refused = sum(per_rep(with_council, c, "sum") for c in refused_columns)
    assert refused.mean() > 0
    reasons = {c: int(per_rep(with_council, c, "sum").sum()) for c in refused_columns}
    total = sum(reasons.values())
    assert f"Under “{EQUAL}” the owner turns work down by their rules: on average " in text
    assert f"{with_ci(refused, '{:,.0f}')} offers per provider by month 36, " in text
    assert f"{reasons['refused_reserve'] / total:.0%} to keep hours free for self-funders" in text
    assert f"{reasons['refused_cash'] / total:.0%} without the cash for 4 weeks of wages" in text
    owed = per_rep(with_council, "owed_to_business", "max")
    assert text.endswith(
        f"the money owed to the business peaks at {money_with_ci(owed)} on average."
    )


# --- no difference -------------------------------------------------------------------------


def test_a_policy_that_changes_nothing_is_said_to_change_nothing() -> None:
    # Not listed until it wins a re-tender, the first at month 24: over 18 months it never
    # gets council work, so every future is the same as without a framework.
    base = sim.Scenario().with_overrides({"run.months": 18})
    comparison = compare(base, ["as_scenario", "closed_tender"], reps=60)
    first, second = comparison.results
    assert (alive(first, 18) == alive(second, 18)).all()
    ok = alive(first, 18)
    low, high = wilson(int(ok.sum()), len(ok))
    verdict = policy_verdict(comparison.names, comparison.results)
    assert verdict.text == (
        "At month 18 every policy keeps the same share of providers trading: "
        f"{ok.mean():.0%} (95% CI {low:.0%} to {high:.0%}). No policy changes survival beyond "
        "the noise of 60 simulated futures."
    )


def test_a_difference_within_the_noise_is_called_so_and_not_explained() -> None:
    base = OPEN.with_overrides({"run.months": MONTH})
    comparison = compare(base, ["open_equal", "open_past"])
    equal, past = comparison.results
    diff = alive(past).astype(float) - alive(equal).astype(float)
    mean, low, high = t_interval(diff)
    assert mean != 0 and low < 0 < high, (mean, low, high)  # the case: within noise
    most, than = ("fewest", "fewer") if mean < 0 else ("most", "more")
    verdict = policy_verdict(comparison.names, comparison.results)
    assert (
        f"“Open framework, past performance” keeps the {most} providers trading: "
        f"{survival_words(past)}, {abs(round(100 * mean))} percentage point"
        f"{'s' if abs(round(100 * mean)) != 1 else ''} {than} than the reference, “{EQUAL}” "
        f"(95% CI {signed(100 * low)} to {signed(100 * high)}), a difference within the noise "
        "of 80 simulated futures." in verdict.headline
    )
    assert verdict.reason == "No policy changes survival beyond the noise of 80 simulated futures."


def test_percentage_points_are_written_in_words() -> None:
    assert report.points(-0.0725) == "7 percentage points"
    assert report.points(0.01) == "1 percentage point"
    assert report.signed_points(0.0047) == "+0.5"  # an interval just above 0 is not "0"
    assert report.signed_points(-0.14) == "-14" and report.signed_points(0.0) == "0"


def test_one_policy_alone_asks_for_another() -> None:
    base = sim.Scenario().with_overrides({"run.months": 12})
    comparison = compare(base, ["as_scenario"], reps=10)
    verdict = policy_verdict(comparison.names, comparison.results)
    assert verdict.headline.startswith(f"Under “{NONE}”, ")
    assert verdict.reason == "Choose at least two policies to compare."
