"""The scenario: every input to one simulated care micro-enterprise, as a frozen value.

A scenario is read from TOML into these pydantic models. Every model forbids unknown keys (a
misspelt key is an error, not a silently ignored default), every field has a unit in its name
or description and a default, so a five-line file runs. Nothing mutates a scenario: variants
are made with :meth:`Scenario.with_overrides`.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.distributions import (
    Distribution,
    Exponential,
    Fixed,
    LogNormal,
    OptionalDistribution,
    Uniform,
    mean_between,
)
from sim.errors import InputError


def _scenario_dir() -> Path:
    """The ready-made scenarios: shipped as sim/scenarios in an installed package, and
    found in the checkout's scenarios/ folder when running from a clone."""
    here = Path(__file__).resolve().parent
    installed = here / "scenarios"
    return installed if installed.is_dir() else here.parent / "scenarios"


SCENARIO_DIR = _scenario_dir()
DEFAULT_SCENARIO = SCENARIO_DIR / "home_care_self_funders.toml"

CHANNELS = ("self_funder", "direct_payment", "professional", "word_of_mouth", "local_authority")
PAYERS = ("self_funder", "direct_payment", "local_authority")
InvoiceCycle = Literal["weekly", "four_weekly", "monthly"]
# Upper bounds keep every figure finite in pence and in the model's sums: far beyond any
# micro-enterprise, so they only ever catch typing slips (1e308, an extra six zeros).
MAX_MONEY = 1e9  # £
MAX_PRICE = 1000.0  # £ per hour (or per attendance)
MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any size; int64 keeps it in tables
NonNegative = Annotated[float, Field(ge=0, le=MAX_MONEY)]

# Distributions whose average must make sense for what they draw: a client needs at least the
# model's half hour a week (and no more than a week holds), a package lasts at least a week.
HoursDistribution = Annotated[Distribution, mean_between(0.5, 168.0, "h/week")]
OptionalHoursDistribution = Annotated[OptionalDistribution, mean_between(0.5, 168.0, "h/week")]
PackageDistribution = Annotated[Distribution, mean_between(0.25, 1200.0, "months")]
LagDistribution = Annotated[Distribution, mean_between(0.0, 3650.0, "days")]
SpellDistribution = Annotated[Distribution, mean_between(0.5, 260.0, "working days")]
IllnessDistribution = Annotated[Distribution, mean_between(1.0, 260.0, "weeks")]
AttendanceDistribution = Annotated[Distribution, mean_between(1.0, 21.0, "sessions/week")]
PatienceDistribution = Annotated[Distribution, mean_between(1.0, 120.0, "months")]


class Section(BaseModel):
    """Base for every scenario section: frozen, strict types, unknown keys rejected."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", strict=True, populate_by_name=True, allow_inf_nan=False
    )


class Business(Section):
    name: str = Field("A care micro-enterprise", description="Shown in reports.")
    service: Literal["home_care", "home_support", "day_activities"] = Field(
        "home_care",
        description="home_care = personal care at home (must be CQC-registered); home_support "
        "= companionship, shopping, cleaning; day_activities = group sessions.",
    )
    regulated: bool = Field(
        True, description="CQC-registered: pays the regulation fee and spends admin time on it."
    )
    start_cash: float = Field(9000.0, ge=0, le=MAX_MONEY, description="£ in the bank on day 0.")
    overdraft: float = Field(
        0.0, ge=0, le=MAX_MONEY, description="£ overdraft limit: insolvent when cash < -overdraft."
    )
    staff_ceiling: int = Field(
        4, ge=0, le=50, description="Most employees (besides the owner) the business will hire."
    )
    regulation_fee_per_year: float = Field(
        239.0,
        ge=0,
        le=MAX_MONEY,
        description="£/year CQC fee for the location before the part per person supported; paid "
        "only when regulated.",
    )
    regulation_fee_per_person: float = Field(
        45.80,
        ge=0,
        le=MAX_PRICE,
        description="£/year of CQC fee per person supported when the fee is set (0 = a fixed fee).",
    )
    regulation_fee_minimum: float = Field(
        284.80, ge=0, le=MAX_MONEY, description="£/year: the CQC fee is never less."
    )
    registration_months: int = Field(
        0,
        ge=0,
        le=24,
        description="Months from day 0 until CQC registration, when regulated: no client can be "
        "taken on before (0 = registered on day 0).",
    )
    vat_threshold_per_year: float = Field(
        90000.0,
        ge=0,
        le=MAX_MONEY,
        description="£ of taxable turnover in 12 months above which an unregulated service "
        "registers for VAT (CQC-registered care is exempt).",
    )
    vat_rate: float = Field(0.2, ge=0, le=1, description="VAT share of the price before VAT.")
    vat_added_to_price: bool = Field(
        False,
        description="Once VAT-registered: true = clients pay VAT on top of the price; false = the "
        "price stays and the business pays the VAT out of it.",
    )
    regulation_admin_hours_per_week: float = Field(
        3.0, ge=0, le=40, description="h/week of owner time regulation takes, when regulated."
    )
    holiday_cover_price_per_hour: float = Field(
        32.14,
        ge=0,
        le=MAX_PRICE,
        description="£/h paid to another provider for the care of a client whose regular "
        "carer is on holiday when nobody in the business can give it (0 = those hours are "
        "missed, arranged with the client: fine for companionship, not for personal care).",
    )

    @model_validator(mode="after")
    def _personal_care_is_regulated(self) -> Business:
        if self.service == "home_care" and not self.regulated:
            raise ValueError(
                "home_care is personal care and must be regulated (CQC); use "
                "service = 'home_support' for an unregulated service"
            )
        return self


class Owner(Section):
    care_hours_per_week: float = Field(
        25.0, ge=0, le=70, description="h/week the owner delivers care themself."
    )
    admin_hours_per_week: float = Field(
        10.0, ge=0, le=60, description="h/week of admin, phone and marketing (not billable)."
    )
    extra_cover_hours_per_week: float = Field(
        8.0, ge=0, le=40, description="h/week beyond care hours the owner will work to cover gaps."
    )
    min_drawings_per_month: float = Field(
        1375.0, ge=0, le=MAX_MONEY, description="£/month the owner needs to live on."
    )
    cash_reserve: float = Field(
        500.0,
        ge=0,
        le=MAX_MONEY,
        description="£ the owner leaves in the bank before taking drawings.",
    )
    profit_share_drawn: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the cash above the owner's buffer they take as extra drawings "
        "each month (0 = the owner never takes more than their minimum).",
    )
    buffer_months_of_costs: float = Field(
        3.0,
        ge=0,
        le=120,
        description="Months of the business's running costs (the month's operating costs) "
        "the owner keeps in the bank before taking more than their minimum.",
    )
    months_below_min_before_exit: PatienceDistribution = Field(
        LogNormal(mean=14.0, sd=4.0),
        description="Consecutive months below minimum drawings before the owner gives up: "
        "their patience, drawn once per replication (a plain number: everyone's the same).",
    )
    sickness_days_per_year: float = Field(
        4.7, ge=0, le=260, description="Working days/year off sick."
    )
    mileage_rate_per_mile: float = Field(
        0.45,
        ge=0,
        le=10,
        description="£/mile the business pays the owner for the miles of their own care "
        "visits (0 = the owner bears their car costs).",
    )
    holiday_weeks_per_year: float = Field(
        5.6, ge=0, le=26, description="Weeks/year on holiday, taken a week at a time (0 = none)."
    )


class Staff(Section):
    initial_staff: int = Field(0, ge=0, le=50, description="Employees in post on day 0.")
    wage_per_hour: float = Field(
        12.71, gt=0, le=MAX_PRICE, description="£/h paid for care and travel time."
    )
    contract: Literal["zero_hours", "contracted"] = Field(
        "zero_hours", description="zero_hours = paid for hours worked; contracted = guaranteed."
    )
    contracted_hours_per_week: float = Field(
        16.0, ge=0, le=48, description="h/week guaranteed (used only when contract = contracted)."
    )
    desired_hours_per_week: float = Field(
        25.0, gt=0, le=60, description="h/week a care worker wants; fewer raises turnover."
    )
    max_hours_per_week: float = Field(
        35.0, gt=0, le=60, description="h/week of care one worker can deliver (incl. travel)."
    )
    sickness_days_per_year: float = Field(4.8, ge=0, le=260, description="Days/year off sick.")
    holiday_weeks_per_year: float = Field(
        5.6, ge=0, le=26, description="Weeks/year each employee is on holiday (0 = none)."
    )
    sickness_spell_days: SpellDistribution = Field(
        Fixed(value=3.0),
        description="Working days per spell of sickness (5 = a whole week; a longer spell "
        "counts as one week off).",
    )
    turnover_per_year: float = Field(
        0.25, ge=0, lt=1, description="Share of staff leaving in a year when given desired hours."
    )
    turnover_shortfall_factor: float = Field(
        2.0,
        ge=0,
        le=20,
        description="Leaving hazard multiplier per unit hours shortfall: hazard = base * (1 + "
        "factor * shortfall share).",
    )
    time_to_hire_days: LagDistribution = Field(
        LogNormal(mean=42.0, sd=21.0), description="Days from opening a vacancy to a start."
    )
    recruitment_cost: float = Field(
        650.0, ge=0, le=MAX_MONEY, description="£ per hire (advert, DBS check, induction training)."
    )
    hire_when_utilisation_above: float = Field(
        0.85, gt=0, le=1, description="Open a vacancy when committed hours exceed this share."
    )
    travel_minutes_per_visit: float = Field(
        12.0, ge=0, le=120, description="Paid travel minutes between visits."
    )
    miles_per_visit: float = Field(3.0, ge=0, le=100, description="Miles driven per visit.")
    mileage_rate_per_mile: float = Field(0.45, ge=0, le=10, description="£/mile reimbursed.")
    holiday_accrual_rate: float = Field(
        0.1207, ge=0, le=0.5, description="Holiday pay as a share of hours worked."
    )
    employer_ni_rate: float = Field(0.15, ge=0, le=1, description="Employer NI share of pay.")
    ni_threshold_per_year: float = Field(
        5000.0,
        ge=0,
        le=MAX_MONEY,
        description="£/year per employee below which no employer NI is due.",
    )
    employment_allowance_per_year: float = Field(
        10500.0, ge=0, le=MAX_MONEY, description="£/year off employer NI (0 = not claimed)."
    )
    sick_pay: Literal["contract", "statutory"] = Field(
        "statutory",
        description="contract = no pay for sick days beyond contracted hours (zero-hours staff "
        "get nothing); statutory = Statutory Sick Pay for the share of the week off sick, and "
        "contracted hours only for the rest.",
    )
    sick_pay_per_week: float = Field(
        123.25, ge=0, le=MAX_PRICE, description="£/week: the most Statutory Sick Pay pays."
    )
    sick_pay_earnings_share: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Statutory Sick Pay is at most this share of average weekly earnings.",
    )
    pension_rate: float = Field(0.03, ge=0, le=1, description="Employer pension share.")
    pension_lower_per_year: float = Field(
        6240.0, ge=0, le=MAX_MONEY, description="£/year of earnings on which no pension is due."
    )
    pension_trigger_per_year: float = Field(
        10000.0, ge=0, le=MAX_MONEY, description="£/year earnings at which auto-enrolment starts."
    )

    @model_validator(mode="after")
    def _hours_consistent(self) -> Staff:
        if (
            self.contract == "contracted"
            and self.contracted_hours_per_week > self.max_hours_per_week
        ):
            raise ValueError(
                f"contracted_hours_per_week ({self.contracted_hours_per_week}) exceeds "
                f"max_hours_per_week ({self.max_hours_per_week})"
            )
        return self


class Costs(Section):
    fixed_monthly: dict[str, NonNegative] = Field(
        default_factory=lambda: {"phone_and_software": 90.0, "accountant": 80.0, "office": 0.0},
        description="£/month by item.",
    )
    annual_fees: dict[str, NonNegative] = Field(
        default_factory=lambda: {"insurance": 1200.0, "training": 300.0},
        description="£/year by item, paid in the first month and every 12 months.",
    )
    startup_costs: float = Field(2500.0, ge=0, le=MAX_MONEY, description="£ spent on day 0.")
    marketing_per_month: float = Field(
        50.0, ge=0, le=MAX_MONEY, description="£/month on advertising."
    )


def _referrals(default: float) -> Any:
    return Field(default, ge=0, le=200, description="Referrals/month.")


def _price(default: float) -> Any:
    return Field(default, ge=0, le=MAX_PRICE, description="£ charged per delivered hour.")


def _payment_lag(days: float) -> Any:
    return Field(Fixed(value=days), description="Days from invoice to payment.")


class Channel(Section):
    """A source of referrals with the price and payment terms of the clients it brings.

    Each channel below is its own class with its own defaults, so that a table that sets
    only some keys (``[channels.direct_payment]`` with just a price) keeps the documented
    default of every other key: the defaults live in one place, the field.
    """

    referrals_per_month: float = _referrals(0.0)
    price_per_hour: float = _price(27.0)
    payer: Literal["self_funder", "direct_payment"] = Field(
        "self_funder", description="Who pays for the clients this channel brings."
    )
    invoice_cycle: InvoiceCycle = Field("four_weekly", description="How often invoices go out.")
    payment_lag_days: LagDistribution = _payment_lag(14.0)
    bad_debt_share: float = Field(0.01, ge=0, le=1, description="Share of invoiced £ never paid.")
    hours_per_week: OptionalHoursDistribution = Field(
        None, description="h/week of care per client; unset = clients.hours_per_week."
    )


class SelfFunderChannel(Channel):
    """People paying for their own care who find the business themselves."""

    referrals_per_month: float = _referrals(0.3)


class DirectPaymentChannel(Channel):
    """People buying care with a council direct payment (paid through a payroll/managed
    account, more slowly than self-funders)."""

    referrals_per_month: float = _referrals(0.15)
    price_per_hour: float = _price(25.0)
    payer: Literal["self_funder", "direct_payment"] = Field(
        "direct_payment", description="Who pays for the clients this channel brings."
    )
    payment_lag_days: LagDistribution = _payment_lag(21.0)


class ProfessionalChannel(Channel):
    """Referrals from GPs, social workers and other professionals."""

    referrals_per_month: float = _referrals(0.1)


class WordOfMouth(Channel):
    """Referrals from people who know a current client."""

    referrals_per_month: float = _referrals(0.05)
    referrals_per_client_per_month: float = Field(
        0.03,
        ge=0,
        le=5,
        description="Referrals/month per current client, scaled by satisfaction (0-1).",
    )


class CouncilChannel(Section):
    """Local-authority referrals: price and payment terms are the council's (see [council])."""

    referrals_per_month: float = Field(
        0.0, ge=0, le=500, description="LA referrals/month offered to the providers on its list."
    )
    hours_per_week: OptionalHoursDistribution = Field(
        None, description="h/week per council-funded client; unset = clients.hours_per_week."
    )


class Channels(Section):
    self_funder: SelfFunderChannel = Field(default_factory=SelfFunderChannel)
    direct_payment: DirectPaymentChannel = Field(default_factory=DirectPaymentChannel)
    professional: ProfessionalChannel = Field(default_factory=ProfessionalChannel)
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth)
    local_authority: CouncilChannel = Field(default_factory=CouncilChannel)


class Clients(Section):
    hours_per_week: HoursDistribution = Field(
        LogNormal(mean=5.5, sd=4.0), description="h/week of care per client."
    )
    visit_minutes: float = Field(60.0, ge=15, le=600, description="Minutes per visit.")
    package_months: PackageDistribution = Field(
        Exponential(mean=20.0), description="Months until a package ends for outside reasons."
    )
    leave_per_missed_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Weekly chance of leaving if every hour in a week is missed (scales).",
    )
    leave_per_discontinuity: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Weekly chance of leaving if no hour is from the regular carer (scales).",
    )
    new_carer_settling_weeks: int = Field(
        4,
        ge=0,
        le=26,
        description="Weeks a new regular carer (after a change) does not yet count as continuity.",
    )
    waiting_list_places: int = Field(0, ge=0, le=50, description="Referrals that may wait.")
    waiting_patience_days: float = Field(14.0, ge=0, le=3650, description="Days a referral waits.")


class Council(Section):
    """The local authority's referral policy and terms (mechanism 2)."""

    framework: Literal["none", "closed", "open", "spot"] = Field(
        "none",
        description="none = no LA work; closed = on the list only by winning a tender; open = "
        "join after an application delay; spot = occasional spot purchases.",
    )
    on_framework_at_start: bool = Field(False, description="closed: already on the list?")
    retender_every_months: int = Field(36, ge=1, le=240, description="closed: months.")
    first_retender_month: int = Field(24, ge=1, le=600, description="closed: first tender.")
    tender_win_probability: float = Field(0.3, ge=0, le=1, description="closed: chance.")
    application_delay_months: int = Field(3, ge=0, le=60, description="open: months to join.")
    spot_share: float = Field(
        0.1, ge=0, le=1, description="spot: share of area referrals bought on the spot market."
    )
    allocation: Literal["first_to_respond", "equal_share", "past_performance"] = Field(
        "equal_share", description="How offers are shared among listed providers."
    )
    providers_on_list: int = Field(12, ge=1, le=500, description="Providers sharing offers.")
    office_hours_per_week: float = Field(
        40.0, gt=0, le=168, description="first_to_respond: h/week offers are broadcast."
    )
    competitor_reachability: float = Field(
        1.0, gt=0, le=1, description="first_to_respond: share of office hours rivals answer."
    )
    competitor_continuity: float = Field(
        0.75, gt=0, le=1, description="past_performance: rivals' share of hours by regular carer."
    )
    rate_per_hour: float = Field(24.10, ge=0, le=MAX_PRICE, description="£/h the council pays.")
    invoice_cycle: InvoiceCycle = Field("four_weekly", description="How often invoices go out.")
    payment_lag_days: LagDistribution = Field(
        LogNormal(mean=35.0, sd=12.0), description="Days from invoice to payment."
    )
    bad_debt_share: float = Field(0.0, ge=0, le=1, description="Share never paid.")


class Coordinator(Section):
    start_month: int = Field(1, ge=1, le=600, description="First month of support.")
    months: int = Field(0, ge=0, le=600, description="Months of support (0 = none).")
    extra_referrals_per_month: float = Field(
        0.0, ge=0, le=50, description="Professional referrals/month added while supported."
    )
    admin_hours_saved_per_week: float = Field(
        0.0, ge=0, le=40, description="Owner admin h/week the coordinator takes on."
    )


class Introduction(Section):
    start_month: int = Field(1, ge=1, le=600, description="Month introductions to referrers begin.")
    months: int = Field(0, ge=0, le=600, description="Months they last (0 = none).")
    extra_professional_referrals_per_month: float = Field(
        0.0, ge=0, le=50, description="Professional referrals/month added."
    )


class Support(Section):
    """Start-up support (mechanism 6)."""

    grant_amount: float = Field(0.0, ge=0, le=MAX_MONEY, description="£ grant.")
    grant_month: int = Field(1, ge=1, le=600, description="Month the grant arrives.")
    loan_amount: float = Field(0.0, ge=0, le=MAX_MONEY, description="£ loan.")
    loan_month: int = Field(1, ge=1, le=600, description="Month the loan is drawn.")
    loan_apr: float = Field(0.08, ge=0, le=1, description="Annual interest rate.")
    loan_term_months: int = Field(36, ge=1, le=360, description="Months of equal repayments.")
    coordinator: Coordinator = Field(default_factory=Coordinator)
    introduction: Introduction = Field(default_factory=Introduction)


class Uplifts(Section):
    """Annual rises (mechanism 9), applied at the start of month_of_year."""

    month_of_year: int = Field(4, ge=1, le=12, description="Calendar month (4 = April).")
    wage_per_year: float = Field(0.041, ge=-0.5, le=1, description="Share the wage rises.")
    wage_floor_per_hour: float = Field(
        12.71, ge=0, le=MAX_PRICE, description="£/h legal minimum wage."
    )
    wage_floor_per_year: float = Field(0.041, ge=-0.5, le=1, description="Rise of the floor.")
    price_per_year: float = Field(0.04, ge=-0.5, le=1, description="Private price rise.")
    council_rate_per_year: float = Field(0.038, ge=-0.5, le=1, description="Council rate rise.")
    overheads_per_year: float = Field(0.03, ge=-0.5, le=1, description="Overhead rise.")
    min_drawings_per_year: float = Field(
        0.041,
        ge=-0.5,
        le=1,
        description="Yearly rise of the owner's minimum drawings (what they need to live on).",
    )


class DayActivities(Section):
    """Session-based service (used when business.service = 'day_activities')."""

    sessions_per_week: int = Field(4, ge=1, le=21, description="Sessions/week.")
    places_per_session: int = Field(10, ge=1, le=100, description="Attendees/session.")
    session_hours: float = Field(5.0, gt=0, le=12, description="h per session.")
    staff_ratio: float = Field(
        5.0, gt=0, le=50, description="Attendees per member of staff (owner included)."
    )
    attendances_per_week: AttendanceDistribution = Field(
        Uniform(low=1.0, high=3.0),
        description="Sessions/week a client attends (rounded, at least 1).",
    )
    price_per_attendance: float = Field(45.0, ge=0, le=MAX_PRICE, description="£ per attendance.")


class Policy(Section):
    """The owner's decisions about which work to take and when to hire (each can be off)."""

    decides: bool = Field(
        True,
        description="The owner applies the decisions below; false: takes every referral a "
        "carer has room for and hires whenever busy.",
    )
    min_price_per_hour: float = Field(
        22.71,
        ge=0,
        le=MAX_PRICE,
        description="£/h, at start prices (rising with wages): lowest hourly price accepted; "
        "0 = any price.",
    )
    self_funder_reserve_hours_per_week: float = Field(
        5.5,
        ge=0,
        le=500,
        description="Care h/week kept free for private clients: council work may not take them.",
    )
    max_council_share: float = Field(
        0.5, ge=0, le=1, description="Largest share of the care hours council clients may take."
    )
    cash_cover_weeks: float = Field(
        4.0,
        ge=0,
        le=52,
        description="No new client unless free cash covers this many weeks of the staff's "
        "wages (with the new client's); 0 = off.",
    )
    target_hours_per_week: float = Field(
        0.0,
        ge=0,
        le=1000,
        description="Client h/week beyond which the owner neither accepts nor hires; 0 = no "
        "target.",
    )
    target_clients: int = Field(
        0,
        ge=0,
        le=1000,
        description="Clients beyond which the owner neither accepts nor hires; 0 = no target.",
    )
    hire_cash_months: float = Field(
        2.0,
        ge=0,
        le=24,
        description="Hire only when free cash covers this many months of the new employee's "
        "wage at their desired hours; 0 = off.",
    )


class Failure(Section):
    insolvency: bool = Field(True, description="Fail when cash < -overdraft at a month end.")
    owner_exit: bool = Field(True, description="Fail when the owner gives up.")


class Shocks(Section):
    """Later shocks (sim.model.shocks): each a Poisson process at its annual rate; a rate of
    0 (or enabled = false for all of them) switches it off."""

    enabled: bool = Field(True, description="false = no shocks at all, whatever the rates.")
    key_worker_per_year: float = Field(
        0.1,
        ge=0,
        le=12,
        description="Times/year the employee with most hours leaves suddenly (with employees).",
    )
    key_worker_clients_follow_share: float = Field(
        0.5, ge=0, le=1, description="Chance each of that worker's clients leaves with them."
    )
    poor_inspection_per_year: float = Field(
        0.06, ge=0, le=12, description="Poor CQC ratings/year (regulated services only)."
    )
    poor_inspection_referral_share: float = Field(
        0.5, ge=0, le=1, description="Share of referrals (own and council) still coming after one."
    )
    poor_inspection_months: int = Field(
        6, ge=1, le=60, description="Months referrals stay cut after a poor rating."
    )
    large_client_per_year: float = Field(
        0.1, ge=0, le=12, description="Times/year the client with most hours ends suddenly."
    )
    owner_illness_per_year: float = Field(
        0.04, ge=0, le=12, description="Long illness spells/year of the owner."
    )
    owner_illness_weeks: IllnessDistribution = Field(
        LogNormal(mean=10.0, sd=8.0),
        description="Weeks a long illness lasts (rounded, at least 1): no care, no admin.",
    )
    owner_illness_no_return_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Chance the owner does not come back after a long illness: the business "
        "closes at that month's end.",
    )


class RunSettings(Section):
    months: int = Field(60, ge=1, le=600, description="Horizon in months.")
    seed: int = Field(20261124, ge=0, le=MAX_SEED, description="Base seed of all random streams.")
    start_month_of_year: int = Field(4, ge=1, le=12, description="Calendar month of month 1.")


class Scenario(Section):
    """One care micro-enterprise and its environment."""

    business: Business = Field(default_factory=Business)
    owner: Owner = Field(default_factory=Owner)
    staff: Staff = Field(default_factory=Staff)
    costs: Costs = Field(default_factory=Costs)
    channels: Channels = Field(default_factory=Channels)
    clients: Clients = Field(default_factory=Clients)
    council: Council = Field(default_factory=Council)
    support: Support = Field(default_factory=Support)
    uplifts: Uplifts = Field(default_factory=Uplifts)
    day_activities: DayActivities = Field(default_factory=DayActivities)
    policy: Policy = Field(default_factory=Policy)
    failure: Failure = Field(default_factory=Failure)
    shocks: Shocks = Field(default_factory=Shocks)
    run: RunSettings = Field(default_factory=RunSettings)

    @model_validator(mode="after")
    def _owner_hours(self) -> Scenario:
        admin = self.owner.admin_hours_per_week
        if self.business.regulated:
            admin += self.business.regulation_admin_hours_per_week
        if self.owner.care_hours_per_week + admin > 80:
            raise ValueError(
                f"owner care + admin hours ({self.owner.care_hours_per_week + admin:g} h/week) "
                "exceed 80 h/week"
            )
        return self

    def annual_fees(self) -> float:
        """£/year of annual fees at starting prices, the CQC fee included when regulated."""
        fees = sum(self.costs.annual_fees.values())
        if self.business.regulated:
            fees += self.business.regulation_fee_per_year
        return fees

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with distributions written as in scenario files."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_toml(self) -> str:
        return tomli_w.dumps(self.to_dict())

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new scenario with dotted-path values replaced; this one is left unchanged.

        ``scenario.with_overrides({"staff.wage_per_hour": 13.0})``. Unknown paths and bad
        values raise :class:`sim.validation.ScenarioError` naming the path.
        """
        from sim.validation import ScenarioError, validate_dict

        data = copy.deepcopy(self.to_dict())
        for path, value in overrides.items():
            if isinstance(path, str):
                _set_dotted(data, path, _plain(value), ScenarioError)
            else:
                raise ScenarioError([(repr(path), "a setting is named by a dotted text path")])
        return validate_dict(data, source="settings changed")


def _plain(value: Any) -> Any:
    """numpy numbers as Python ones, so ``np.int64(3)`` works where ``3`` does."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _set_dotted(data: dict[str, Any], path: str, value: Any, error: type[Exception]) -> None:
    keys = path.split(".")
    node: Any = data
    model: Any = Scenario
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if isinstance(node, dict) and key in node:
            if last:
                node[key] = value
                return
            node = node[key]
            model = None
            continue
        fields = getattr(model, "model_fields", None) if model is not None else None
        if last and isinstance(node, dict) and (fields is None or key in fields):
            node[key] = value  # a field left unset (None) or a new item in a free-form table
            return
        where = ".".join(keys[:depth])
        place = f"under '{where}'" if where else "at the top level"
        sections = ", ".join(Scenario.model_fields)
        hint = "" if where else f"; sections are {sections}"
        raise error([(path, f"unknown setting (no '{key}' {place}{hint})")])


def checked(scenario: Any, name: str = "scenario") -> Scenario:
    """``scenario`` if it is a valid :class:`Scenario`, else a clear :class:`InputError`.

    Pydantic does not validate ``model_copy(update=...)`` or ``model_construct``, so a
    scenario made that way may hold values (``run.months = 0``) the model cannot run; the
    entry points of the library check again, which costs about a millisecond.
    """
    from sim.validation import validate_dict

    if not isinstance(scenario, Scenario):
        raise InputError(
            f"{name}: expected a sim.Scenario (from sim.load_scenario or sim.Scenario()), "
            f"got {type(scenario).__name__}"
        )
    return validate_dict(scenario.to_dict(), source=name)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a TOML scenario file.

    Raises :class:`sim.validation.ScenarioError` with every problem found.
    """
    from sim.validation import ScenarioError

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is allowed
    except FileNotFoundError:
        raise ScenarioError([("file", f"no such file: {path}")]) from None
    except IsADirectoryError:
        raise ScenarioError([("file", f"{path} is a folder, not a scenario file")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([("file", _not_utf8(path, exc))]) from None
    except OSError as exc:
        raise ScenarioError([("file", f"cannot read {path}: {exc.strerror or exc}")]) from None
    return loads_scenario(text, source=str(path))


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    hint = " (it looks like UTF-16)" if exc.object[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
    return (
        f"{path} is not UTF-8 text{hint}: byte 0x{exc.object[exc.start]:02x} at position "
        f"{exc.start}; save it as UTF-8"
    )


def loads_scenario(text: str, source: str = "<text>") -> Scenario:
    """Parse and validate scenario TOML given as text (e.g. an upload)."""
    from sim.validation import ScenarioError, validate_dict

    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # as a file with a byte-order mark
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([("toml", f"syntax error: {exc}")], source=source) from None
    except RecursionError:
        raise ScenarioError([("toml", _TOO_DEEP)], source=source) from None
    try:
        return validate_dict(data, source=source)
    except RecursionError:
        raise ScenarioError([("toml", _TOO_DEEP)], source=source) from None


_TOO_DEEP = "tables or lists are nested too deeply to be a scenario"


def save_scenario(scenario: Scenario, path: str | Path, source: str | None = None) -> None:
    """Write ``scenario`` as TOML. With ``source``, the text of the file it came from, the
    file's layout and comments are kept and each changed value is marked with the old one
    (see :func:`sim.scenario_file.annotated_toml`)."""
    from sim.scenario_file import annotated_toml

    Path(path).write_text(annotated_toml(scenario, source), encoding="utf-8")
