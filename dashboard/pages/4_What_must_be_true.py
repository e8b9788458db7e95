"""What must be true (all users): which assumption matters most, and what would it take to
reach a target?"""

import sys
from pathlib import Path

# The app's folder may be all that is on the path (a page opened directly by its URL).
if (_root := str(Path(__file__).resolve().parents[2])) not in sys.path:
    sys.path.insert(0, _root)

import streamlit as st  # noqa: E402

from dashboard import state, ui  # noqa: E402
from dashboard import whatif_ui as page  # noqa: E402

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
