"""The words of the About page (kept out of the page so it stays a thin script)."""

MECHANISMS = (
    (
        "1. Referrals arrive by channel",
        "Clients come as self-funders, direct-payment holders, through professionals (social "
        "workers, GPs), by word of mouth and — rarely — by council referral. Each channel has "
        "its own rate, price, payment terms and hours of care. Word of mouth grows with the "
        "number of satisfied clients, so a business that gets going keeps going.",
        "University of Birmingham evaluation of 27 care providers, 'Micro-enterprises: small "
        "enough to care?' (2013-15): few council referrals, reliance on self-funders.",
    ),
    (
        "2. The council's referral policy",
        "Council-funded work reaches a provider only if it is on the council's list: a closed "
        "framework (won at a re-tender), an open framework (join after an application delay) "
        "or spot purchase. Offers are shared by a rule — first to respond (the owner can only "
        "answer in admin hours), equal share, or past performance (continuity of care). The "
        "council sets its rate and pays in arrears.",
        "Birmingham study; HCA fee rates 2025-26 (average £24.10/h); HCA late-payment report "
        "2023; council billing pages (4-weekly in arrears).",
    ),
    (
        "3. Continuity of care",
        "Each client has a regular carer. When that carer is off sick or leaves, another "
        "employee with spare hours covers, else the owner, else the visit is missed. Missed "
        "visits and hours from other carers make clients more likely to leave.",
        "Birmingham study: micro-enterprises give more continuity and more personalised care.",
    ),
    (
        "4. Keeping staff with few clients",
        "Care workers want enough hours; offered fewer, they leave more often. Hiring takes "
        "weeks and costs money (advert, DBS check, induction).",
        "Skills for Care: turnover about 25% in domiciliary care; vacancy rate 11.5% "
        "(2023/24); 42-58% of domiciliary care workers on zero-hours contracts.",
    ),
    (
        "5. Overheads, regulation and fragility",
        "Low overheads let micro-enterprises charge a little less. Personal care must be "
        "registered with the CQC, which costs a fee and the owner's time; companionship and "
        "day activities need no registration.",
        "Birmingham study; CQC fees scheme; HCA minimum price for homecare (£32.14/h 2025-26).",
    ),
    (
        "6. Start-up support",
        "A grant, a loan, a period of coordinator support (extra referrals, admin taken off "
        "the owner) or introductions to professional referrers, each with a start and an end.",
        "Community Catalysts (one coordinator supports up to ~200 enterprises; Somerset: 425 "
        "community enterprises in 4 years).",
    ),
    (
        "7. Visits, travel and mileage",
        "Visit length, paid travel time and mileage change what a delivered hour costs.",
        "HCA minimum price itemised (2020-21): travel about 20% of contact time, mileage "
        "£1.36 per contact hour; NICE QS123: visits of at least 30 minutes.",
    ),
    (
        "8. Size changes over time",
        "A provider can grow out of 'micro' (five or more staff) or shrink; the size band is "
        "tracked month by month.",
        "Birmingham study: micro = up to 5 staff.",
    ),
    (
        "9. Costs and prices rise every year",
        "Each April the wage floor rises with the National Living Wage, private prices rise "
        "as the owner chooses, the council rate by its uplift, overheads with inflation.",
        "gov.uk: NLW £12.21 (2025) to £12.71 (2026); council uplift 5.6% in 2025-26 against "
        "providers' cost rises of 10-12%.",
    ),
)

SOURCES = """
Every value in the ready-made scenarios (the `scenarios/` folder) has a comment naming its
source or saying it is an assumption; the Plan page shows it when you hover over a setting.
The main sources are:

- **University of Birmingham**, evaluation of 27 care organisations (17 micro-enterprises),
  2013-15 — the mechanisms above.
- **Homecare Association** — minimum price for homecare (£32.14/h 2025-26), council fee rates
  (average £24.10/h), late payment.
- **Skills for Care** — care-worker pay (median £12.60/h, Dec 2025), turnover, vacancies,
  sickness, zero-hours contracts.
- **Community Catalysts** — how many clients and hours a community micro-enterprise has
  (about 3.9 clients and 12.6 hours a week in Westmorland & Furness), coordinator caseloads.
- **gov.uk, HMRC, The Pensions Regulator** — National Living Wage, employer National
  Insurance (15% above £5,000), pension (3%), holiday accrual (12.07%).
- **ONS business demography** — for comparison: 63% of UK businesses survive 3 years and
  52-56% of health businesses 5 years.
"""

ASSUMPTIONS = """
- **Referral rates are assumptions**, set so the default business is neither sure to fail nor
  sure to survive (about 60% still trading after 5 years, close to ONS survival rates). They
  matter more than anything else: check them against your own local knowledge.
- The self-funder price (about £27/h) is a weak figure from council and provider web pages.
- Package lengths (a mean of about 20 months) have no English source; a Canadian cohort
  suggests about two years.
- A business **fails** when its cash falls below its overdraft limit at a month end
  (insolvency) or when the owner has drawn less than their minimum for several months in a
  row and gives up. A month **fails to cover its costs** when income earned is less than all
  costs including the owner's minimum drawings.
- Rates are constant within a week; wages are paid monthly; contracted staff are paid their
  hours even when short of work, zero-hours staff only for hours worked; sick staff get
  Statutory Sick Pay (from April 2026).
- The owner's patience (lean months in a row before giving up) is drawn for each future, about
  a year on average: an assumption calibrated so about 85% of plans trade after a year.
- Start-up costs and loan principal are not operating costs; loan interest is.
"""

LIMITS = """
- One provider at a time on these pages: the council's other providers appear only through
  their share of the offers, not as businesses of their own.
- No tax on profits, no seasonality in referrals, no price competition between providers.
- The owner's decisions are rules (a minimum price, hours kept for self-funders, a cap on
  council work, cash cover before a new client or a hire, an optional target size, drawings
  of their minimum only, giving up after lean months), not judgement: a real owner may cut
  costs, raise prices, borrow or take out more when the business can afford it.
- Quality of care enters only through missed visits and continuity.
- The figures are estimates from simulated futures. The intervals show the uncertainty from
  simulating; they do not include the uncertainty in the assumptions themselves, which is
  usually larger — try changing them.
"""
