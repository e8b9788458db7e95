"""Referral policy (the commissioner): how do the council's framework, allocation rule, rate
and payment terms change survival, continuity of care and cost?"""

import streamlit as st

from dashboard import charts, ui
from dashboard import policy_ui as page

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
    page.verdict(comparison, table)
    st.plotly_chart(
        charts.survival_comparison(comparison.names, comparison.results),
        key="policy.chart.survival",
    )
    page.policy_summary(table)
    st.plotly_chart(charts.policy_measures(table), key="policy.chart.measures")
