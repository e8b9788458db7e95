"""Plan (the would-be entrepreneur): is my plan viable, and if not, when and why does it fail?"""

import streamlit as st

from dashboard import report_ui, state, ui

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
    report_ui.report_downloads()
