"""Plan (the would-be entrepreneur): is my plan viable, and if not, when and why does it fail?"""

import sys
from pathlib import Path

# The app's folder may be all that is on the path (a page opened directly by its URL).
if (_root := str(Path(__file__).resolve().parents[2])) not in sys.path:
    sys.path.insert(0, _root)

import streamlit as st  # noqa: E402

from dashboard import state, ui  # noqa: E402

ui.page_setup("Plan")

state.init_plan(st.session_state)

st.title("Plan: will this business cover its costs?")
st.caption(
    "Choose a ready-made scenario or upload your own, change the settings that matter for your "
    "plan, and run hundreds of simulated futures. Hover over a setting's question mark for "
    "its unit and where its default comes from."
)

ui.scenario_source()
scenario, problems, labels = ui.plan_editor()
ran = ui.run_controls(scenario, problems, labels)
if ran is not None:
    results, summary = ran
    ui.headline(results, summary)
    ui.plan_charts(results)
    ui.downloads(results, scenario)
