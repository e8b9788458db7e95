"""Each mechanism of sim/model against a value worked out by hand from what it promises.

Every expected value below comes from the mechanism's rule (the docstrings of the mechanism
modules of sim/model) and arithmetic, never from a run
of the model. Counts of Poisson arrivals are compared within 4 standard errors (sqrt of the
expected count); shares within 4 binomial standard errors. Each scenario switches off what it
does not test, so that the hand calculation is exact.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import sim
from sim.model.clock import DAYS_PER_MONTH, WEEKS_PER_YEAR
from tests.conftest import NO_REFERRALS

Z = 4.0
MONTHS = 12
HORIZON_DAYS = MONTHS * DAYS_PER_MONTH  # 365.25
WEEKS = int(HORIZON_DAYS // 7)  # weekly settlements before the last month close: 52

# One owner, no income needed, nobody sick or leaving, 5-hour clients whose packages never end.
QUIET = {
    **NO_REFERRALS,
    "business.service": "home_support",
    "business.regulated": False,
    "business.start_cash": 1e7,
    "business.staff_ceiling": 0,
    "failure.insolvency": False,
    "failure.owner_exit": False,
    "owner.sickness_days_per_year": 0.0,
    "owner.holiday_weeks_per_year": 0.0,
    "owner.extra_cover_hours_per_week": 0.0,
    "staff.sickness_days_per_year": 0.0,
    "staff.holiday_weeks_per_year": 0.0,
    "staff.turnover_per_year": 0.0,
    "staff.travel_minutes_per_visit": 10.0,  # the hand calculations assume 10
    "clients.hours_per_week": 5.0,
    "clients.package_months": 1000.0,
    "clients.leave_per_missed_share": 0.0,
    "clients.leave_per_discontinuity": 0.0,
    "uplifts.wage_per_year": 0.0,
    "uplifts.wage_floor_per_year": 0.0,
    "uplifts.price_per_year": 0.0,
    "uplifts.overheads_per_year": 0.0,
    "shocks.enabled": False,  # no later shocks (sim.model.shocks): each mechanism alone
    "run.months": MONTHS,
}


def scenario(**changes: object) -> sim.Scenario:
    """QUIET with dotted overrides given as keyword arguments (``__`` for ``.``)."""
    return sim.Scenario().with_overrides(
        {**QUIET, **{key.replace("__", "."): value for key, value in changes.items()}}
    )


def panel(sc: sim.Scenario, reps: int) -> pd.DataFrame:
    return pd.concat(
        [sim.simulate(sc, r).monthly.assign(rep=r) for r in range(reps)], ignore_index=True
    )


def assert_poisson(observed: float, expected: float) -> None:
    assert observed == pytest.approx(expected, abs=Z * math.sqrt(expected)), (observed, expected)


# --- council allocation (mechanism 2) ------------------------------------------------------
# The owner has no care hours, so every council referral is declined; what is counted is how
# many the council offers: R x share a month, share from the allocation rule.

COUNCIL = {
    "owner__care_hours_per_week": 0.0,
    "council__framework": "open",
    "council__application_delay_months": 0,  # on the list from month 1
}


def council_offers(reps: int, **changes: object) -> float:
    monthly = panel(scenario(**{**COUNCIL, **changes}), reps)
    assert monthly["accepted_local_authority"].sum() == 0
    return float(monthly["referrals_local_authority"].sum())


@pytest.mark.parametrize(
    ("changes", "share"),
    [
        # equal share: 1/N of the council's referrals
        ({"council__allocation": "equal_share", "council__providers_on_list": 4}, 1 / 4),
        # first to respond, owner reachable 10 of 40 office hours, 3 rivals always:
        # 0.25 / (0.25 + 3 x 1) = 1/13
        (
            {
                "council__allocation": "first_to_respond",
                "council__providers_on_list": 4,
                "owner__admin_hours_per_week": 10.0,
                "council__office_hours_per_week": 40.0,
                "council__competitor_reachability": 1.0,
            },
            1 / 13,
        ),
        # first to respond, owner answers all office hours, 2 rivals half of them:
        # 1 / (1 + 2 x 0.5) = 1/2
        (
            {
                "council__allocation": "first_to_respond",
                "council__providers_on_list": 3,
                "owner__admin_hours_per_week": 40.0,
                "council__office_hours_per_week": 40.0,
                "council__competitor_reachability": 0.5,
            },
            1 / 2,
        ),
        # spot purchase: spot_share / N = 0.2 / 4, whatever the list
        (
            {
                "council__framework": "spot",
                "council__spot_share": 0.2,
                "council__providers_on_list": 4,
            },
            0.05,
        ),
    ],
    ids=["equal_share", "first_to_respond_office_hours", "first_to_respond_rivals", "spot"],
)
def test_council_offers_follow_the_allocation_rule(changes: dict, share: float) -> None:
    rate = 10.0 / share  # council referrals a month in the area: 10 a month reach us
    reps = 10
    offered = council_offers(reps, channels__local_authority__referrals_per_month=rate, **changes)
    assert_poisson(offered, reps * MONTHS * rate * share)  # 1200


def test_past_performance_rewards_continuity() -> None:
    """Offers weighted by continuity: the owner gives every hour to their own clients
    (continuity 1), 2 rivals give 0.5: share 1 / (1 + 2 x 0.5) = 1/2 once the first week is
    settled; in week 0 nothing is delivered yet and a new provider counts as a rival: 1/3.
    Expected offers a replication: R / 30.4375 x (7 x 1/3 + (365.25 - 7) x 1/2)."""
    rate, reps = 30.0, 10
    sc = scenario(
        owner__care_hours_per_week=20.0,  # four 5-hour clients, found in the first day or so
        channels__self_funder__referrals_per_month=100.0,
        council__framework="open",
        council__application_delay_months=0,
        council__allocation="past_performance",
        council__providers_on_list=3,
        council__competitor_continuity=0.5,
        channels__local_authority__referrals_per_month=rate,
    )
    monthly = panel(sc, reps)
    assert (monthly["continuity"] == 1.0).all()
    per_day = rate / DAYS_PER_MONTH
    expected = reps * per_day * (7 / 3 + (HORIZON_DAYS - 7) / 2)  # 1788.5 (equal: 1200)
    assert_poisson(monthly["referrals_local_authority"].sum(), expected)


def test_open_framework_joins_after_the_application_delay() -> None:
    """on the list from month delay + 1: months 1-2 get no offers; months 4-12 get R/N."""
    reps = 10
    sc = scenario(
        **{**COUNCIL, "council__application_delay_months": 2},
        council__providers_on_list=4,
        channels__local_authority__referrals_per_month=40.0,
    )
    by_month = panel(sc, reps).groupby("month")["referrals_local_authority"].sum()
    assert by_month.loc[[1, 2]].sum() == 0
    assert_poisson(by_month.loc[4:].sum(), reps * 9 * 40.0 / 4)  # 900


# --- closed framework: the tender ----------------------------------------------------------


@pytest.mark.parametrize(("win", "at_start"), [(1.0, False), (0.0, False), (0.0, True)])
def test_closed_framework_work_follows_the_tender(win: float, at_start: bool) -> None:
    """Tender at the start of month 4. Before it, council work only if already on the list;
    after it only if won (chance 1 or 0). Month 4 is left out: its first days' referrals
    were drawn under the old list (weekly rates)."""
    reps = 10
    sc = scenario(
        owner__care_hours_per_week=0.0,
        council__framework="closed",
        council__on_framework_at_start=at_start,
        council__first_retender_month=4,
        council__retender_every_months=36,
        council__tender_win_probability=win,
        council__allocation="equal_share",
        council__providers_on_list=4,
        channels__local_authority__referrals_per_month=40.0,
    )
    monthly = panel(sc, reps)
    before, after = monthly[monthly["month"] <= 3], monthly[monthly["month"] >= 5]
    on_after = win == 1.0
    assert (before["on_council_list"] == at_start).all()
    assert (after["on_council_list"] == on_after).all()
    for part, on, months in ((before, at_start, 3), (after, on_after, MONTHS - 4)):
        if on:
            assert_poisson(part["referrals_local_authority"].sum(), reps * months * 40.0 / 4)
        else:
            assert part["referrals_local_authority"].sum() == 0


# --- clients leaving dissatisfied (mechanism 3) --------------------------------------------


def test_clients_leave_at_the_documented_weekly_chance() -> None:
    """The owner is off sick every week (260 days a year in 5-day spells: weekly chance
    260 / (52 x 5) = 1) and nobody covers, so every hour is missed and none is from the
    regular carer: each client leaves at each weekly settlement with chance
    leave_per_missed_share x 1 + leave_per_discontinuity x 1 = 0.10 + 0.05 = 0.15.
    Client-weeks at risk = missed hours / 5."""
    reps = 10
    sc = scenario(
        owner__care_hours_per_week=20.0,
        owner__sickness_days_per_year=260.0,
        staff__sickness_spell_days=5.0,
        channels__self_funder__referrals_per_month=20.0,  # places refill after a leaver
        clients__leave_per_missed_share=0.10,
        clients__leave_per_discontinuity=0.05,
    )
    monthly = panel(sc, reps)
    assert monthly["hours_delivered"].sum() == 0
    at_risk = monthly["hours_missed"].sum() / 5.0  # about 2000 client-weeks
    left = monthly["left_dissatisfied"].sum()
    p = 0.15
    assert left / at_risk == pytest.approx(p, abs=Z * math.sqrt(p * (1 - p) / at_risk))
    assert monthly["packages_ended"].sum() == left  # packages never end otherwise


# --- word of mouth (mechanism 1) -----------------------------------------------------------


@pytest.mark.parametrize("clients", [2, 4])
def test_word_of_mouth_scales_with_clients(clients: int) -> None:
    """Rate = per-client rate x clients x satisfaction = 2 x C x 1 a month. The owner's
    hours hold exactly C 5-hour clients, found within the first week; week 0's rate is drawn
    with no clients yet. Expected a replication: 2 x C / 30.4375 x (365.25 - 7)."""
    reps = 10
    sc = scenario(
        owner__care_hours_per_week=5.0 * clients,
        channels__self_funder__referrals_per_month=100.0,
        channels__word_of_mouth__referrals_per_client_per_month=2.0,
    )
    monthly = panel(sc, reps)
    assert (monthly["clients"] == clients).all()
    expected = reps * 2.0 * clients / DAYS_PER_MONTH * (HORIZON_DAYS - 7)  # 471 or 942
    assert_poisson(monthly["referrals_word_of_mouth"].sum(), expected)


# --- the waiting list ----------------------------------------------------------------------


def test_waiting_referrals_leave_after_their_patience() -> None:
    """No care hours, 50 places (never full here), patience p = 14 days. A referral
    arriving at t waits until the first weekly settlement after t + p (times 7, 14, ...).
    So at a month end M exactly the referrals of (7 floor(M / 7) - p, M] are waiting, a
    window of p + (M mod 7) days: Poisson with mean R / 30.4375 x (p + M mod 7), and the
    windows of different months do not overlap."""
    rate, patience, reps = 10.0, 14.0, 20
    sc = scenario(
        owner__care_hours_per_week=0.0,
        channels__self_funder__referrals_per_month=rate,
        clients__waiting_list_places=50,
        clients__waiting_patience_days=patience,
    )
    monthly = panel(sc, reps)
    ends = [m * DAYS_PER_MONTH for m in range(1, MONTHS + 1)]
    expected = reps * rate / DAYS_PER_MONTH * sum(patience + end % 7 for end in ends)  # ~1380
    assert_poisson(monthly["waiting"].sum(), expected)
    # nobody is taken on: every referral is waiting or has given up and been declined
    assert monthly["accepted_self_funder"].sum() == 0
    for _, rep in monthly.groupby("rep"):
        gone = rep["declined_self_funder"].cumsum() + rep["waiting"]
        assert (gone == rep["referrals_self_funder"].cumsum()).all()


def test_waiting_list_holds_at_most_its_places() -> None:
    """Patience longer than the run: the first 2 referrals wait to the end, the rest are
    declined at once: waiting = min(2, referrals so far)."""
    sc = scenario(
        owner__care_hours_per_week=0.0,
        channels__self_funder__referrals_per_month=3.0,
        clients__waiting_list_places=2,
        clients__waiting_patience_days=3650.0,
    )
    for r in range(5):
        monthly = sim.simulate(sc, r).monthly
        so_far = monthly["referrals_self_funder"].cumsum()
        assert (monthly["waiting"] == so_far.clip(upper=2)).all()
        assert (monthly["declined_self_funder"].cumsum() == so_far - so_far.clip(upper=2)).all()


def test_a_waiting_referral_is_taken_on_when_a_place_frees() -> None:
    """Room for one 5-hour client; packages of exactly 2 months; patience 100 days; a
    referral every few hours. The first client starts on day ~0 and, at each package end,
    the referral waiting takes the place at once: clients starts at t0, t0 + 2, ..., t0 + 10
    months, 6 in 12 months, and the owner is never without a client after day 1."""
    sc = scenario(
        owner__care_hours_per_week=5.0,
        clients__package_months=2.0,
        channels__self_funder__referrals_per_month=100.0,
        clients__waiting_list_places=1,
        clients__waiting_patience_days=100.0,
    )
    for r in range(3):
        monthly = sim.simulate(sc, r).monthly
        assert monthly["accepted_self_funder"].sum() == 6
        assert (monthly["clients"] == 1).all()
        assert monthly["hours_delivered"].sum() == pytest.approx(5.0 * WEEKS)


# --- sickness ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_days_lost_to_sickness_match_the_yearly_rate(who: str) -> None:
    """26 days a year in spells of 2 days: a spell starts in a week with chance
    26 / (52 x 2) = 0.25 and takes 2/5 of that week. The sick worker's regular clients fill
    their hours exactly and nobody covers, so the week's missed hours are the days lost x
    capacity / 5; days lost a year should average 26 (sd 6.2 per worker-year)."""
    days, reps = 26.0, 40
    if who == "owner":
        capacity = 20.0
        changes = {"owner__care_hours_per_week": capacity, "owner__sickness_days_per_year": days}
    else:
        capacity = 35.0 / (1 + 10 / 60)  # max hours less 10 travel minutes an hour: 30
        changes = {
            "owner__care_hours_per_week": 0.0,
            "staff__initial_staff": 1,
            "business__staff_ceiling": 1,
            "staff__sickness_days_per_year": days,
        }
    sc = scenario(
        **changes,
        staff__sickness_spell_days=2.0,
        channels__self_funder__referrals_per_month=100.0,
    )
    monthly = panel(sc, reps)
    assert (monthly["clients"] == round(capacity / 5)).all()
    lost = monthly["hours_missed"].sum() / (capacity / 5) / reps * 52 / WEEKS
    sd = math.sqrt(WEEKS * 0.25 * 0.75) * 2.0 * 52 / WEEKS  # per worker-year
    assert lost == pytest.approx(days, abs=Z * sd / math.sqrt(reps))


RANDOM_SPELLS = [
    ("staff", {"kind": "exponential", "mean": 3.0}, 40),
    ("staff", {"kind": "uniform", "low": 1.0, "high": 9.0}, 40),
    ("staff", {"kind": "triangular", "low": 1.0, "mode": 2.0, "high": 10.0}, 40),
    ("staff", {"kind": "lognormal", "mean": 3.0, "sd": 3.0}, 40),
    ("staff", {"kind": "gamma", "mean": 3.0, "sd": 4.0}, 40),
    ("owner", {"kind": "exponential", "mean": 5.0}, 200),  # 26 x 3.16 / 5 = 16.4 before
]


@pytest.mark.parametrize(
    ("who", "spell", "reps"),
    RANDOM_SPELLS,
    ids=[f"{who}-{spell['kind']}" for who, spell, _ in RANDOM_SPELLS],
)
def test_days_lost_match_the_yearly_rate_with_random_spells(who: str, spell: dict, reps: int):
    """'sickness_days_per_year: Days/year off sick', whatever the spell distribution. A spell
    takes min(spell, 5) days of its week, so a chance of 26 / (52 x min(mean spell, 5)) lost
    too few days (exponential mean 3: 26 (1 - e^(-5/3)) = 21.1; uniform(1, 9): 20.8). Ten
    workers (or one owner), six 5-hour clients each, every place taken from month 2, nobody
    covering: the missed hours are the days lost x 6. A week's days lost d lie in [0, 5], so
    Var(d) <= E[d^2] <= 5 E[d], and the sd per worker-year is at most sqrt(5 x 26) = 11.4
    for any spell distribution."""
    days, capacity = 26.0, 30.0  # owner 30 care hours; staff 35 less 10 travel minutes/hour
    if who == "owner":
        workers = 1
        changes = {"owner__care_hours_per_week": capacity, "owner__sickness_days_per_year": days}
    else:
        workers = 10
        changes = {
            "owner__care_hours_per_week": 0.0,
            "staff__initial_staff": workers,
            "business__staff_ceiling": workers,
            "staff__sickness_days_per_year": days,
        }
    sc = scenario(
        **changes,
        staff__sickness_spell_days=spell,
        channels__self_funder__referrals_per_month=200.0,
    )
    monthly = panel(sc, reps)
    full = monthly[monthly["month"] >= 2]
    assert (full["clients"] == workers * 6).all()
    weeks = WEEKS - int(DAYS_PER_MONTH // 7)  # settled from month 2 on: 52 - 4 = 48
    worker_years = workers * reps * weeks / WEEKS_PER_YEAR
    lost = full["hours_missed"].sum() / (capacity / 5) / worker_years
    assert lost == pytest.approx(days, abs=Z * math.sqrt(5 * days / worker_years))


# --- hiring (mechanism 4) ------------------------------------------------------------------


def test_hiring_takes_its_time_and_posts_its_cost() -> None:
    """Room for one client, a flood of referrals: declines open a vacancy at each weekly
    settlement when none is open. Time to hire 20 days: hires on days 7 + 20 = 27,
    28 + 20 = 48 and 49 + 20 = 69 (months 1, 2, 3), then the ceiling of 3. Each posts the
    recruitment cost, 700, in the month of the hire."""
    sc = scenario(
        owner__care_hours_per_week=5.0,
        channels__self_funder__referrals_per_month=200.0,
        business__staff_ceiling=3,
        staff__time_to_hire_days=20.0,
        staff__recruitment_cost=700.0,
        run__months=6,
    )
    for r in range(3):
        monthly = sim.simulate(sc, r).monthly
        assert monthly["hires"].tolist() == [1, 1, 1, 0, 0, 0]
        assert monthly["staff"].tolist() == [1, 2, 3, 3, 3, 3]
        assert monthly["cost_recruitment"].tolist() == [700.0, 700.0, 700.0, 0.0, 0.0, 0.0]


# --- employer NI and the employment allowance ----------------------------------------------


@pytest.mark.parametrize("allowance", [0.0, 3000.0, 10500.0])
def test_employment_allowance_offsets_employer_ni_each_tax_year(allowance: float) -> None:
    """Two employees contracted for 30 h at 12.60, no clients: gross 30 x 12.60 x 1.1207 =
    423.6246 a week each, employer NI (423.6246 - 5000/52) x 0.15 = 49.1206 each, 98.2412 a
    week in all. The allowance comes off until used up and is renewed each April (month 13
    of a run starting in April). By the close of month m, floor(m x 30.4375 / 7) weeks are
    settled, so NI paid to date = max(0, weeks x w - A) in year 1."""
    sc = scenario(
        staff__initial_staff=2,
        business__staff_ceiling=2,
        staff__contract="contracted",
        staff__contracted_hours_per_week=30.0,
        staff__wage_per_hour=12.60,
        uplifts__wage_floor_per_hour=0.0,  # paid 12.60, not lifted to the floor
        staff__pension_rate=0.0,
        staff__employment_allowance_per_year=allowance,
        run__months=24,
    )
    monthly = sim.simulate(sc, 0).monthly
    gross = 30 * 12.60 * 1.1207
    weekly = 2 * (gross - 5000 / 52) * 0.15
    ni = monthly["cost_oncosts"].cumsum()  # employer NI (pension is off)
    for m in range(1, 25):
        weeks = int(m * DAYS_PER_MONTH // 7)
        year1 = min(weeks, 52)
        due = max(0.0, year1 * weekly - allowance)
        if m > 12:
            due += max(0.0, (weeks - 52) * weekly - allowance)
        assert ni.iloc[m - 1] == pytest.approx(due, abs=0.01 * m), m
    assert monthly["cost_wages"].sum() == pytest.approx(104 * 2 * gross, abs=0.01 * 24)


# --- loan repayments -----------------------------------------------------------------------


def test_loan_repays_as_an_annuity() -> None:
    """10,000 at 8% APR over 24 months, drawn in month 2, repaid from month 3. Monthly rate
    i = 0.08 / 12, payment P = L i / (1 - (1 + i)^-24) = 452.27; after k payments the balance
    is L (1 + i)^k - P ((1 + i)^k - 1) / i and the interest of payment k is i x the balance
    after k - 1. Rounding (the payment and each month's interest to pence, at most half a
    penny each) moves the balance after k payments by less than a penny a month."""
    loan, apr, term = 10_000.0, 0.08, 24
    sc = scenario(
        support__loan_amount=loan,
        support__loan_apr=apr,
        support__loan_term_months=term,
        support__loan_month=2,
        run__months=30,
    )
    monthly = sim.simulate(sc, 0).monthly.set_index("month")
    i = apr / 12
    payment = loan * i / (1 - (1 + i) ** -term)
    assert payment == pytest.approx(452.27, abs=0.005)

    def balance(k: int) -> float:
        return loan * (1 + i) ** k - payment * ((1 + i) ** k - 1) / i

    assert monthly.loc[1, "loan_outstanding"] == 0
    assert monthly.loc[2, "loan_outstanding"] == loan
    assert monthly.loc[2, "receipts"] == pytest.approx(loan)
    for k in range(1, term + 1):
        pennies = 0.01 * k
        assert monthly.loc[2 + k, "loan_outstanding"] == pytest.approx(balance(k), abs=pennies)
        interest = i * balance(k - 1)
        assert monthly.loc[2 + k, "cost_interest"] == pytest.approx(interest, abs=pennies)
    total_interest = monthly["cost_interest"].sum()
    assert total_interest == pytest.approx(term * payment - loan, abs=0.01 * term)  # 854.55
    assert monthly.loc[2 + term + 1 :, "loan_outstanding"].max() == 0
