"""The microcare-sim dashboard: ``streamlit run dashboard/app.py``.

Pages are the files in ``dashboard/pages/`` named ``<order>_<Title>.py`` (underscores become
spaces): adding a file adds a page. Their URLs are Streamlit's own for a pages folder
(``/Plan``, ``/Start-up_support``, ...), so a page opened directly by its URL — which
Streamlit serves from the pages folder without this script — is the same page. The home page
is below.
"""

import streamlit as st

from dashboard.pages_index import page_files, page_title


def home() -> None:
    st.title("Will this care micro-enterprise cover its costs?")
    st.markdown(
        "A simulator of a very small social-care business — home care, home support or day "
        "activities, run by its owner with fewer than five staff. It plays out hundreds of "
        "possible futures of one business, month by month: referrals arriving, clients "
        "starting and leaving, staff coming and going, money in and out. Every figure is a "
        "share of those futures, with its uncertainty."
    )
    st.markdown("**Who is it for?**")
    for path, page in PAGES.items():
        st.page_link(page, label=page.title, icon=page.icon or None)
        blurb = PAGE_BLURBS.get(path.stem)
        if blurb:
            st.caption(blurb)


PAGE_ICONS = {  # Material icons ship with Streamlit, so they show without emoji fonts
    "1_Plan": ":material/calculate:",
    "2_Start-up_support": ":material/handshake:",
    "3_Referral_policy": ":material/account_balance:",
    "4_What_must_be_true": ":material/target:",
    "9_About_the_model": ":material/menu_book:",
}
PAGE_BLURBS = {
    "1_Plan": "For a would-be entrepreneur: is my plan viable? How many clients, what price, "
    "how much start-up cash?",
    "2_Start-up_support": "For a micro-enterprise coordinator: which kind of support keeps a "
    "start-up alive — a grant, a loan, coordinator time, introductions to referrers — and "
    "at what cost per extra business still trading?",
    "3_Referral_policy": "For a council commissioner: how do the framework, the allocation "
    "rule, the hourly rate and payment terms change survival, continuity of care and cost?",
    "4_What_must_be_true": "For anyone with a plan, a support package or a policy: which "
    "assumption matters most, and what would it take to reach a target?",
    "9_About_the_model": "How the model works, where its figures come from, and its limits.",
}

st.set_page_config(page_title="microcare-sim", layout="wide")
PAGES = {
    path: st.Page(path, title=page_title(path), icon=PAGE_ICONS.get(path.stem))
    for path in page_files()
}
st.navigation(
    [st.Page(home, title="Home", icon=":material/home:", default=True), *PAGES.values()]
).run()
