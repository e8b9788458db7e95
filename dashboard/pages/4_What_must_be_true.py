"""What must be true (all users): which assumption matters most, and what would it take to
reach a target?"""

import streamlit as st

from dashboard import state, ui
from dashboard import whatif_ui as page

ui.page_setup("What must be true")

plan, note = state.plan_for_comparison(st.session_state)

st.title("What must be true for this plan to work?")
st.caption(f"The plan is **{plan.business.name}**, as set up on the Plan page (change it there).")
if note:
    st.warning(note)
months, reps, seed = ui.run_settings("whatif", plan, default_reps=100)
page.sensitivity_section(plan, months, reps, seed)
st.divider()
page.goal_section(plan, months, reps, seed)
