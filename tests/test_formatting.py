"""One formatting layer (:mod:`sim.formatting` and the words of :mod:`sim.whatif`): money,
shares, points and plain numbers by hand, never scientific notation, a label for every
code a scenario's choices use."""

from __future__ import annotations

from typing import get_args

import pandas as pd

from sim import formatting, whatif
from sim.scenario import Business, Council, Staff


def test_plain_numbers_are_never_in_scientific_notation() -> None:
    assert formatting.plain_number(11740.3) == "11,740"
    assert formatting.plain_number(1.174e4) == "11,740"
    assert formatting.plain_number(0.034512) == "0.03451"
    assert formatting.plain_number(9831.0) == "9,831"
    assert formatting.plain_number(2.5e-7) == "0.00000025"
    assert formatting.plain_number(-123456789.0) == "-123,456,789"
    for value in (1e-9, 3.3e12, 12345.678, 0.5):
        assert not formatting.SCIENTIFIC.search(formatting.plain_number(value))


def test_values_in_their_units() -> None:
    assert formatting.value_text(11740.3, "£") == "£11,740"
    assert formatting.value_text(27.0, "£/h") == "£27.00"
    assert formatting.value_text(0.35, "share") == "35%"
    assert formatting.value_text(4.5, "months") == "4.5 months"
    assert whatif.param_value("business.start_cash", 9000.0) == "£9,000"
    assert whatif.param_value("channels.self_funder.price_per_hour", 21.6) == "£21.60"
    assert whatif.param_value("staff.turnover_per_year", 0.3) == "30%"
    assert whatif.metric_change("survival_36", -0.31) == "-31 percentage points"
    assert whatif.metric_change("final_cash", 1234.4) == "+£1,234"


def test_the_goal_seek_answer_of_the_issue_reads_in_pounds() -> None:
    # issue 12: "at least 1.174e+04 … (95% range 9831 to 1.322e+04)"
    curve = pd.DataFrame({"value": [4500.0, 13500.0], "mean": [0.5, 0.9]})
    answer = whatif.GoalSeek(
        "business.start_cash",
        whatif.Target.parse("survival_36>=0.8"),
        True,
        11740.0,
        9831.0,
        13220.0,
        "at least",
        curve,
        "",
    )
    assert whatif.goal_words(answer) == (
        "Start-up cash (£) at least £11,740 gives a chance still trading at 3 years of at "
        "least 80% (95% range £9,831 to £13,220)."
    )


def test_every_choice_a_scenario_offers_has_a_label() -> None:
    codes = [
        *get_args(Business.model_fields["service"].annotation),
        *get_args(Staff.model_fields["contract"].annotation),
        *get_args(Staff.model_fields["sick_pay"].annotation),
        *get_args(Council.model_fields["framework"].annotation),
        *get_args(Council.model_fields["allocation"].annotation),
        *get_args(Council.model_fields["invoice_cycle"].annotation),
    ]
    assert codes
    for code in codes:
        assert code in formatting.CODE_LABELS, code
        assert "_" not in formatting.code_label(code)
    assert formatting.code_label("survival_36") == "chance still trading at 3 years"
    assert formatting.code_label("breakeven_12") == "chance it covers its costs by 1 year"


def test_the_tornado_in_words_is_in_percentage_points() -> None:
    # a made-up tornado: the words only restate what the sensitivity measured
    table = pd.DataFrame(
        {
            "param": [
                "channels.self_funder.price_per_hour",
                "owner.min_drawings_per_month",
                "channels.direct_payment.price_per_hour",
            ],
            "base_value": [27.0, 1375.0, 25.0],
            "low_value": [21.6, 1100.0, 20.0],
            "high_value": [32.4, 1650.0, 30.0],
            "low_effect": [-0.39, 0.1, -0.2],
            "low_lower": [-0.5, 0.05, -0.3],
            "low_upper": [-0.28, 0.15, -0.1],
            "high_effect": [0.07, -0.18, 0.03],
            "high_lower": [0.01, -0.25, 0.0],
            "high_upper": [0.13, -0.1, 0.06],
        }
    )
    table.attrs["metric"] = "survival_36"
    assert whatif.sensitivity_words(table) == (
        "What matters most for the chance still trading at 3 years is the self-funder price "
        "(£/h): moving it from £21.60 to £32.40 raises it by 46 percentage points (against the "
        "plan's £27.00, in percentage points: -39 (95% CI -50 to -28) at £21.60, +7 (95% CI +1 "
        "to +13) at £32.40). Next, from each one's low to its high value: owner's minimum "
        "drawings (£/month), -28; direct-payment price (£/h), +23 (percentage points)."
    )
