"""About the model: mechanisms and their sources, assumptions and limits, in plain words."""

import streamlit as st

from dashboard import ui
from dashboard.about import ASSUMPTIONS, LIMITS, MECHANISMS, SOURCES

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
