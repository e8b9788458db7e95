"""About the model: mechanisms and their sources, assumptions and limits, in plain words."""

import sys
from pathlib import Path

# The app's folder may be all that is on the path (a page opened directly by its URL).
if (_root := str(Path(__file__).resolve().parents[2])) not in sys.path:
    sys.path.insert(0, _root)

import streamlit as st  # noqa: E402

from dashboard import ui  # noqa: E402
from dashboard.about import ASSUMPTIONS, LIMITS, MECHANISMS, SOURCES  # noqa: E402

ui.page_setup("About the model")

st.title("About the model")
st.markdown(
    "The simulator plays out one small care business many times over — hundreds of possible "
    "futures — and reports the share of futures in which it is still trading, covers its "
    "costs, keeps its staff and gives continuity of care. It is a **discrete-event "
    "simulation**: time moves day by day, care is settled week by week and the accounts close "
    "every month. The same scenario and seed always give the same numbers, and scenarios "
    "compared with the same seed share the same random futures, so their difference is due "
    "to what was changed."
)
st.header("What happens in the model, and why")
for title, text, source in MECHANISMS:
    with st.expander(title, key=f"about.{title[:20]}"):
        st.markdown(text)
        st.caption(f"Source: {source}")
st.header("Where the default figures come from")
st.markdown(SOURCES)
st.header("Assumptions")
st.markdown(ASSUMPTIONS)
st.header("Limits: what the model does not do")
st.markdown(LIMITS)
