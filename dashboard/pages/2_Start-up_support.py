"""Start-up support (the coordinator): which kind of support keeps a start-up alive, and at
what cost per extra business still trading?"""

import streamlit as st

from dashboard import charts, state, ui
from dashboard import support_ui as page

ui.page_setup("Start-up support")

plan, note = state.plan_for_comparison(st.session_state)

st.title("Start-up support: which kind keeps a start-up alive?")
st.caption(
    f"The plan compared is **{plan.business.name}**, as set up on the Plan page (change it "
    "there). Every option runs the same simulated futures (common random numbers), so the "
    "differences are due to the support, not to luck."
)

if note:
    st.warning(note)
kinds, options = page.support_inputs()
months, reps, seed = ui.run_settings("support", plan, default_reps=200)
comparison, table = page.run(plan, kinds, options, months, reps, seed)
if comparison is not None:
    page.verdict(comparison, table)
    st.plotly_chart(
        charts.survival_comparison(comparison.names, comparison.results),
        key="support.chart.survival",
    )
    page.cost_table(table)
    st.plotly_chart(charts.support_effects(table), key="support.chart.effects")
    page.differences(comparison)
