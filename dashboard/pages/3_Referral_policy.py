"""Referral policy (the commissioner): how do the council's framework, allocation rule, rate
and payment terms change survival, continuity of care and cost?"""

import sys
from pathlib import Path

# The app's folder may be all that is on the path (a page opened directly by its URL).
if (_root := str(Path(__file__).resolve().parents[2])) not in sys.path:
    sys.path.insert(0, _root)

import streamlit as st  # noqa: E402

from dashboard import charts, ui  # noqa: E402
from dashboard import policy_ui as page  # noqa: E402

ui.page_setup("Referral policy")

st.title("Referral policy: what keeps small local providers going?")
st.caption(
    "One provider under different council policies, on the same simulated futures (common "
    "random numbers): the differences are the policy's, not luck's."
)

provider = page.provider()
policies, area_referrals = page.policy_inputs(provider)
months, reps, seed = ui.run_settings("policy", provider, default_reps=200)
comparison, table = page.run(provider, policies, area_referrals, months, reps, seed)
if comparison is not None:
    st.plotly_chart(
        charts.survival_comparison(comparison.names, comparison.results),
        key="policy.chart.survival",
    )
    page.policy_summary(table)
    st.plotly_chart(charts.policy_measures(table), key="policy.chart.measures")
