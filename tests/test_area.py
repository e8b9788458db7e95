"""The area: several providers in one simpy environment, the council's brokerage among them,
each provider's own random streams, and staff leaving as events at drawn times."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.model import provider as provider_module
from sim.model.area import Area
from sim.model.entities import Client
from sim.model.provider import Provider
from sim.model.record import VALUE_NAMES
from sim.model.staff import staff_leave
from sim.model.streams import Streams
from tests.test_mechanisms import COUNCIL, MONTHS, Z, scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
RATE = 20.0  # council referrals a month in the area


def council_runs(reps: int, providers: int, **changes: object) -> list[Area]:
    """Areas of ``providers`` identical providers whose owner has no care hours (every council
    referral is counted and declined, nobody's capacity changes the offers)."""
    sc = scenario(**{**COUNCIL, "channels__local_authority__referrals_per_month": RATE, **changes})
    areas = []
    for r in range(reps):
        area = Area(sc, r, [sc] * providers)
        area.run()
        areas.append(area)
    return areas


def offered(area: Area) -> list[int]:
    """Council referrals each provider was offered, from its monthly record."""
    column = VALUE_NAMES.index("referrals_local_authority")
    return [int(p.monthly.values[:, column].sum()) for p in area.providers]


@pytest.mark.parametrize(("on_list", "share"), [(2, 1 / 2), (4, 1 / 4)])
def test_identical_providers_under_equal_share_get_equal_council_referrals(
    on_list: int, share: float
) -> None:
    """Two providers on a list of ``on_list`` places (the rest abstract rivals) under equal
    share: each is offered 1/on_list of the area's referrals, the rivals the rest, and every
    referral the council makes is offered exactly once (none lost, none counted twice)."""
    reps = 10
    areas = council_runs(
        reps, 2, council__allocation="equal_share", council__providers_on_list=on_list
    )
    made = sum(a.brokerage.referrals for a in areas)
    expected = reps * MONTHS * RATE  # 2,400 referrals, Poisson
    assert made == pytest.approx(expected, abs=Z * math.sqrt(expected))
    first = sum(offered(a)[0] for a in areas)
    second = sum(offered(a)[1] for a in areas)
    rivals = sum(a.brokerage.to_rivals for a in areas)
    assert first + second + rivals == made  # each referral once
    assert sum(a.brokerage.unplaced for a in areas) == 0
    sd = math.sqrt(made * share * (1 - share))
    assert first == pytest.approx(made * share, abs=Z * sd)
    assert second == pytest.approx(made * share, abs=Z * sd)
    if on_list == 2:
        assert rivals == 0


def test_nobody_on_the_list_means_no_council_work() -> None:
    """An open framework with a delay longer than the run: nobody is on the list yet, the
    abstract rivals take every referral."""
    areas = council_runs(3, 2, council__application_delay_months=MONTHS + 1)
    assert all(offered(a) == [0, 0] for a in areas)
    assert all(a.brokerage.to_rivals == a.brokerage.referrals > 0 for a in areas)


def test_adding_a_provider_leaves_the_first_ones_draws_as_they_were() -> None:
    """With no council work, a provider's whole history depends only on its own streams:
    adding a different second provider to the area changes nothing of the first's."""
    base = sim.Scenario().with_overrides(
        {"run.months": 36, "channels.self_funder.referrals_per_month": 2.0}
    )
    other = base.with_overrides(
        {"staff.initial_staff": 2, "channels.self_funder.price_per_hour": 40.0}
    )
    for replication in range(3):
        alone = Area(base, replication)
        alone.run()
        pair = Area(base, replication, [base, other])
        pair.run()
        mine, theirs = pair.providers
        assert np.array_equal(
            alone.providers[0].monthly.values, mine.monthly.values, equal_nan=True
        )
        assert not np.array_equal(mine.monthly.values[:, :20], theirs.monthly.values[:, :20])


def test_a_second_provider_is_not_a_copy_of_the_first() -> None:
    """Two identical providers in one area draw from different streams."""
    sc = sim.Scenario().with_overrides({"run.months": 24})
    area = Area(sc, 0, [sc, sc])
    area.run()
    first, second = (p.monthly.values for p in area.providers)
    assert not np.array_equal(first, second)


# --- staff leaving as events at drawn times ------------------------------------------------


def employees(turnover: float, n: int, replication: int, **changes: object) -> Area:
    """An area whose one provider starts with ``n`` employees and no clients."""
    sc = scenario(
        staff__initial_staff=n,
        business__staff_ceiling=n,
        staff__turnover_per_year=turnover,
        **changes,
    )
    return Area(sc, replication)


def test_staff_leave_at_the_annual_turnover_rate() -> None:
    """Employees offered all the hours they want leave at the annual turnover rate: after 52
    weekly settlements a share ``turnover`` of them has gone (binomial, 1,000 employees)."""
    turnover, n, reps = 0.3, 20, 50
    gone = 0
    for r in range(reps):
        p = employees(
            turnover,
            n,
            r,
            staff__contract="contracted",  # contracted for all the hours they want
            staff__contracted_hours_per_week=30.0,
            staff__desired_hours_per_week=30.0,
        ).providers[0]
        for week in range(1, 53):
            staff_leave(p, week)
        gone += n - (len(p.workers) - 1)
    total = n * reps
    sd = math.sqrt(total * turnover * (1 - turnover))
    assert gone == pytest.approx(total * turnover, abs=Z * sd)


def test_leaving_follows_a_hazard_that_changes_with_the_hours_offered() -> None:
    """Employees offered no hours for 10 weeks leave at twice the base hazard (shortfall
    factor 1, shortfall 100%), then at the base hazard once they have all the hours they
    want: the chance of still being there after 20 weeks is exp(-(10 x 2h + 10 x h)),
    with h = -ln(1 - 0.5) / 52 a week: 0.670."""
    turnover, n, reps = 0.5, 20, 60
    hazard = -math.log(1 - turnover) / 52
    stayed = 0
    for r in range(reps):
        p = employees(
            turnover,
            n,
            r,
            staff__contract="zero_hours",
            staff__turnover_shortfall_factor=1.0,
            staff__travel_minutes_per_visit=0.0,
        ).providers[0]
        for week in range(1, 21):
            if week == 11:
                for worker in p.workers[1:]:
                    hours = worker.desired
                    worker.assign(Client(-week, "self_funder", "self_funder", hours, hours, 0.0))
            staff_leave(p, week)
        stayed += len(p.workers) - 1
    total = n * reps
    chance = math.exp(-30 * hazard)
    sd = math.sqrt(total * chance * (1 - chance))
    assert stayed == pytest.approx(total * chance, abs=Z * sd)


# --- random streams ------------------------------------------------------------------------


def test_each_stream_is_pcg64_seeded_by_its_words_of_the_generated_state() -> None:
    """The first stream is exactly numpy's default_rng of the seed sequence (PCG64 takes the
    first four words of its generated state); adding names leaves earlier streams as they
    were; streams at different indices differ."""
    seed = np.random.SeedSequence([7, 3], spawn_key=(2,))
    few = Streams(seed, ("a", "b"))
    more = Streams(seed, ("a", "b", "c", "d"))
    expected = np.random.default_rng(np.random.SeedSequence([7, 3], spawn_key=(2,))).random(5)
    assert np.array_equal(few["a"].rng.random(5), expected)
    assert np.array_equal(few["b"].rng.random(5), more["b"].rng.random(5))
    assert not np.array_equal(more["c"].rng.random(5), more["d"].rng.random(5))


# --- steady weeks --------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_steady_weeks_book_what_stepping_through_them_would(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A steady week (nothing changed since a quiet settlement, no sickness or leaver due)
    books only pay, earnings and bills; stepping through the whole settlement instead must give
    the same monthly record and ledger, to the bit, in every ready-made scenario."""
    assert_steady_weeks_change_nothing(
        sim.load_scenario(path).with_overrides({"run.months": 48}), monkeypatch
    )


# Months in which a provider's referral rates or prices change without any client coming or
# going: support periods starting and ending, the wait for CQC registration ending, VAT added
# to the price once registered.
MONTHLY_CHANGES = {
    "coordinator": {
        "support.coordinator.start_month": 6,
        "support.coordinator.months": 9,
        "support.coordinator.extra_referrals_per_month": 1.5,
        "support.coordinator.admin_hours_saved_per_week": 4.0,
    },
    "introduction": {
        "support.introduction.start_month": 3,
        "support.introduction.months": 5,
        "support.introduction.extra_professional_referrals_per_month": 2.0,
    },
    "registration": {"business.registration_months": 4},
    "vat_on_price": {
        "business.regulated": False,
        "business.service": "home_support",
        "business.vat_threshold_per_year": 20_000.0,
        "business.vat_added_to_price": True,
    },
}


@pytest.mark.parametrize("changes", MONTHLY_CHANGES.values(), ids=MONTHLY_CHANGES)
def test_steady_weeks_follow_changes_that_come_with_a_month(
    changes: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steady-week shortcut must notice what changes at a month's start, not only what
    clients and staff do."""
    sc = sim.Scenario().with_overrides({"run.months": 36, **changes})
    assert_steady_weeks_change_nothing(sc, monkeypatch)


def assert_steady_weeks_change_nothing(
    sc: sim.Scenario,
    monkeypatch: pytest.MonkeyPatch,
    reps: int = 8,
    check: Callable[[Provider], None] | None = None,
) -> None:
    """``reps`` replications with steady weeks and stepping through every settlement: the
    same monthly records and ledgers, to the bit; ``check`` looks at each provider too."""

    def outcome(steady: bool) -> list[tuple[bytes, list[tuple[str, int]]]]:
        monkeypatch.setattr(provider_module, "STEADY_WEEKS", steady)
        result = []
        for replication in range(reps):
            area = Area(sc, replication)
            area.run()
            p = area.providers[0]
            if check is not None:
                check(p)
            result.append((p.monthly.values.tobytes(), sorted(p.ledger.balances.items())))
        return result

    assert outcome(True) == outcome(False)
