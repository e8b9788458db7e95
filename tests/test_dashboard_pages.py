"""The Start-up support and Referral policy pages under AppTest: comparisons run on short
horizons, show their tables and charts, start from the Plan page's plan, and never show a
traceback."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import state as S
from tests.test_dashboard import APP, PLAN, TIMEOUT, field

SUPPORT = "pages/2_Start-up_support.py"
POLICY = "pages/3_Referral_policy.py"
ABOUT = "pages/9_About_the_model.py"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    st.cache_data.clear()


def page(path: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def shorten(at: AppTest, prefix: str, reps: int = 30) -> AppTest:
    at.number_input(key=f"{prefix}.months").set_value(36)
    at.number_input(key=f"{prefix}.reps").set_value(reps)
    return at.run()


def test_support_page_compares_each_kind_of_support() -> None:
    at = shorten(page(SUPPORT), "support")
    at.button(key="support.run").click().run()
    assert not at.exception, at.exception
    costs = at.dataframe[0].value
    assert list(costs["Support"]) == [
        "Grant £3,000",
        "Loan £5,000 over 36 months",
        "Coordinator for 12 months",
        "Introductions for 6 months",
    ]
    assert costs["Cost per business"].iloc[0] == "£3,000"
    differences = at.dataframe[1].value
    assert "still trading at month 36" in set(differences["Measure"])
    assert len(at.get("plotly_chart")) == 2
    # the verdict comes first and states the table's figures for the option it names
    said = at.info[0].value
    named = re.match(r"(?:No kind .* with )?“(?P<name>[^”]+)”", said.replace("\n", " "))
    assert named, said
    row = costs.set_index("Support").loc[named["name"]]
    extra = row["Extra per 100 (95% CI)"]  # '+6.7 (+0.1 to +13.2)'
    value, interval = extra.split(" ", 1)
    low, high = interval.strip("()").split(" to ")
    assert f"{value} per 100 supported (95% CI {low} to {high})" in said
    if float(low) > 0:  # the CI excludes 0: the best option, named with its cost
        best = max(costs["Extra per 100 (95% CI)"], key=lambda t: float(t.split()[0]))
        assert extra == best
        assert f"from {row['Trading without']} to {row['Trading with']}" in said
        assert row["Cost per extra business (95% CI)"].split(" ")[0] in said
        assert "Why: failures by month 36 without and with it" in said
    else:
        assert said.startswith("No kind of support changes") and "noise of 30" in said


def test_support_page_compares_only_the_ticked_kinds() -> None:
    at = shorten(page(SUPPORT), "support")
    for kind in ("loan", "coordinator", "introduction"):
        at.checkbox(key=f"support.kind.{kind}").uncheck()
    at.number_input(key="support.grant_amount").set_value(6000.0)
    at.button(key="support.run").click().run()
    assert not at.exception
    costs = at.dataframe[0].value
    assert list(costs["Support"]) == ["Grant £6,000"]


def test_support_page_with_nothing_ticked_explains_and_does_not_fail() -> None:
    at = page(SUPPORT)
    for kind in ("grant", "loan", "coordinator", "introduction"):
        at.checkbox(key=f"support.kind.{kind}").uncheck()
    at.run()
    assert not at.exception
    assert at.button(key="support.run").disabled
    assert "Tick at least one" in at.info[0].value


def test_support_page_starts_from_the_plan() -> None:
    at = page(PLAN)
    at.text_input(key=field("business.name")).input("Ann's Home Care").run()
    at.switch_page(SUPPORT).run()
    assert not at.exception
    assert "Ann's Home Care" in at.caption[0].value


def test_comparisons_say_when_the_plan_has_problems() -> None:
    at = page(PLAN)
    at.number_input(key=field("owner.care_hours_per_week")).set_value(90.0).run()
    at.switch_page(SUPPORT).run()
    assert not at.exception
    assert "has problems to fix" in at.warning[0].value


def test_policy_page_compares_council_policies() -> None:
    at = shorten(page(POLICY), "policy")
    at.button(key="policy.run").click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["Policy"]) == [
        "Closed framework, listed",
        "Open framework, equal share",
        "Open framework, first to respond",
        "Open framework, rate £32.14/h",
    ]
    pays = {
        policy: float(value.lstrip("£"))
        for policy, value in zip(table["Policy"], table["Council pays per hour"], strict=True)
    }
    # the council's rate rises with its uplift, so it pays at least its starting rate
    assert pays["Open framework, equal share"] >= 24.10
    assert pays["Open framework, rate £32.14/h"] > pays["Open framework, equal share"]
    assert len(at.get("plotly_chart")) == 2


VERDICT = re.compile(
    r"At month (\d+), (?:the reference, )?“(?P<high>[^”]+)”,? keeps the most providers "
    r"trading: (?P<high_pct>\d+%) \(95% CI (?P<high_ci>\d+% to \d+%)\)(?P<high_diff>[^.]*)\. "
    r"(?:The reference, )?“(?P<low>[^”]+)”,? keeps the fewest providers trading: "
    r"(?P<low_pct>\d+%) \(95% CI (?P<low_ci>\d+% to \d+%)\)(?P<low_diff>[^.]*)\."
)
DIFF = re.compile(r"(\d+(?:\.\d)?) percentage points? (more|fewer)")


def verdict_of(at: AppTest) -> str:
    """The verdict's text, after checking it comes first: above the chart and the table."""
    texts = [i.value for i in at.info if "keeps the most providers trading" in i.value]
    assert len(texts) == 1, [i.value for i in at.info]
    assert [h.value for h in at.subheader] == ["Verdict", "What each policy means"]
    return texts[0]


def check_verdict_against_table(at: AppTest) -> str:
    """The verdict's survival figures and differences are the table's, for the policies it
    names; no scientific notation and no raw codes."""
    text = verdict_of(at)
    table = at.dataframe[0].value.set_index("Policy")
    found = VERDICT.search(text)
    assert found, text
    month = found.group(1)
    survival = table[f"Still trading at month {month} (95% CI)"]
    differences = table["Difference vs first (95% CI)"]
    for which in ("high", "low"):
        name = found.group(which)
        shown = f"{found.group(f'{which}_pct')} ({found.group(f'{which}_ci')})"
        assert shown == survival[name], (name, text)
        said = DIFF.search(found.group(f"{which}_diff"))
        if differences[name] == "reference":
            assert said is None
        else:  # the table to 0.1 point, the verdict to whole points
            in_table = float(differences[name].split(" pts")[0])
            assert said is not None, text
            value = float(said.group(1)) * (1 if said.group(2) == "more" else -1)
            assert abs(value - in_table) <= 0.55, (value, in_table)
    assert not re.search(r"\de[+-]?\d", text), text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no raw codes like open_equal
    return text


def test_policy_page_gives_a_verdict_that_agrees_with_its_table() -> None:
    at = shorten(page(POLICY), "policy")
    at.button(key="policy.run").click().run()
    assert not at.exception, at.exception
    check_verdict_against_table(at)


def test_policy_page_explains_the_squeeze_of_an_owner_who_accepts_everything() -> None:
    """issue 10: with an owner who accepts everything the working-capital squeeze is still
    there to show, and the dashboard explains it."""
    at = page(PLAN)
    at.selectbox(key=S.CHOICE).set_value("home_care_open_framework.toml").run()
    at.checkbox(key=field("policy.decides")).uncheck().run()
    at.switch_page(POLICY).run()
    at.selectbox(key="policy.provider").set_value("(the plan from the Plan page)").run()
    at = shorten(at, "policy", reps=80)  # enough futures for the peak owed to differ
    at.button(key="policy.run").click().run()
    assert not at.exception, at.exception
    text = check_verdict_against_table(at)
    assert "running out of cash (insolvency): a working-capital squeeze" in text
    assert "Cash is tied up in council invoices" in text


def test_policy_page_on_the_plan_with_no_policies_chosen() -> None:
    at = page(POLICY)
    at.selectbox(key="policy.provider").set_value("(the plan from the Plan page)")
    at.multiselect(key="policy.kinds").set_value([]).run()
    assert not at.exception
    assert at.button(key="policy.run").disabled


def test_about_page_names_mechanisms_sources_and_limits() -> None:
    at = page(ABOUT)
    headers = [h.value for h in at.header]
    assert headers == [
        "What happens in the model, and why",
        "Where the default figures come from",
        "Assumptions",
        "Limits: what the model does not do",
    ]
    assert len(at.expander) == 9


# --- a typed value outside its range is kept, shown, and holds the button back -------------


@pytest.mark.parametrize(
    ("path", "key", "typed", "message"),
    [
        (SUPPORT, "support.months", 5, "must be from 12 to 240, got 5"),
        (SUPPORT, "support.reps", 100_000, "must be from 10 to 5,000, got 100,000"),
        (SUPPORT, "support.grant_amount", -500.0, "must be at least 0, got -500"),
        (SUPPORT, "support.loan_apr", 1.5, "must be from 0 to 1, got 1.5"),
        (POLICY, "policy.seed", -1, "must be at least 0, got -1"),
        (POLICY, "policy.rate", -2.0, "must be at least 0, got -2"),
        ("pages/4_What_must_be_true.py", "whatif.months", 300, "must be from 12 to 240"),
    ],
    ids=["months", "reps", "grant", "apr", "seed", "council rate", "what-if months"],
)
def test_an_out_of_range_value_is_kept_and_blocks_the_comparison(
    path: str, key: str, typed: float, message: str
) -> None:
    # These inputs used to carry min_value/max_value: Streamlit clamped a typed value (the
    # browser kept the old one), so the comparison ran on a number nobody typed.
    at = page(path)
    at.number_input(key=key).set_value(typed).run()
    assert not at.exception, at.exception
    assert at.number_input(key=key).value == typed
    shown = "\n".join(e.value for e in at.error)
    assert message in shown
    buttons = [b for b in at.button if b.key.endswith(".run")]
    assert buttons and all(b.disabled for b in buttons)
    at.switch_page(ABOUT).run()
    at.switch_page(path).run()
    assert at.number_input(key=key).value == typed  # kept across a visit to another page
