"""A small tagged family of distributions used in scenario files.

Each is a frozen pydantic model with a ``kind`` tag, a ``mean``, ``mean_capped(cap)`` and
``sample(rng)``, so a scenario can say
``hours_per_week = {kind = "lognormal", mean = 6, sd = 4}`` and a deterministic test can say
``hours_per_week = 5`` (a bare number means "fixed").
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

DIST_KINDS = ("fixed", "exponential", "lognormal", "gamma", "triangular", "uniform")
MAX_PARAMETER = 1e6  # no duration, count or amount a scenario draws comes near this


_CONFIG = ConfigDict(
    frozen=True, extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True
)


def _param(low: Literal["ge", "gt"] = "ge") -> Any:
    """A parameter: finite, >= 0 (or > 0) and at most MAX_PARAMETER, so samples stay finite."""
    if low == "gt":
        return Field(gt=0, le=MAX_PARAMETER)
    return Field(ge=0, le=MAX_PARAMETER)


class _Dist(BaseModel):
    model_config = _CONFIG

    def __repr__(self) -> str:  # readable in logs and error messages
        data = self.model_dump(by_alias=True)
        fields = ", ".join(f"{k}={v!r}" for k, v in data.items() if k != "kind")
        return f"{self.kind}({fields})"  # type: ignore[attr-defined]

    __str__ = __repr__

    def mean_capped(self, cap: float) -> float:
        """E[min(X, cap)], cap >= 0: the average of a draw that cannot exceed ``cap``.

        A model that cuts draws at a limit (a sickness spell takes at most the 5 working days
        of its week) gets ``mean_capped(limit)`` on average, which is less than
        ``min(mean, limit)`` whenever X is random (min is concave). Closed forms throughout,
        each E[min(X, c)] = the integral from 0 to c of P(X > t) dt.
        """
        return cap if cap <= 0 else self._mean_capped(cap)  # every X here is >= 0

    def _mean_capped(self, cap: float) -> float:
        raise NotImplementedError


class Fixed(_Dist):
    """Always the same value: the way to switch randomness off for a process."""

    kind: Literal["fixed"] = "fixed"
    value: float = _param()

    @property
    def mean(self) -> float:
        return self.value

    def _mean_capped(self, cap: float) -> float:
        return min(self.value, cap)

    def sample(self, rng: np.random.Generator) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless durations (e.g. package length under a constant hazard)."""

    kind: Literal["exponential"] = "exponential"
    mean_value: float = Field(gt=0, le=MAX_PARAMETER, alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

    def _mean_capped(self, cap: float) -> float:
        return self.mean_value * -math.expm1(-cap / self.mean_value)  # mean (1 - e^(-c/mean))

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self.mean_value))


class _MeanSd(_Dist):
    mean_value: float = Field(gt=0, le=MAX_PARAMETER, alias="mean")
    sd: float = _param("gt")

    @property
    def mean(self) -> float:
        return self.mean_value


class LogNormal(_MeanSd):
    """Right-skewed positive values given by their own mean and sd (not the log's)."""

    kind: Literal["lognormal"] = "lognormal"

    def _log_params(self) -> tuple[float, float]:
        """mu and sigma of log X: sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2."""
        sigma2 = math.log1p((self.sd / self.mean_value) ** 2)
        return math.log(self.mean_value) - sigma2 / 2, math.sqrt(sigma2)

    def _mean_capped(self, cap: float) -> float:
        """mean Phi((ln c - mu - sigma^2) / sigma) + c (1 - Phi((ln c - mu) / sigma))."""
        mu, sigma = self._log_params()
        z = (math.log(cap) - mu) / sigma
        return self.mean_value * _normal_cdf(z - sigma) + cap * _normal_cdf(-z)

    def sample(self, rng: np.random.Generator) -> float:
        mu, sigma = self._log_params()
        return float(rng.lognormal(mu, sigma))


class Gamma(_MeanSd):
    """Positive values by mean and sd; less heavy-tailed than the lognormal."""

    kind: Literal["gamma"] = "gamma"

    def _mean_capped(self, cap: float) -> float:
        """mean P(k + 1, c / scale) + c Q(k, c / scale), P and Q the regularised lower and
        upper incomplete gamma functions; scipy is imported here only, as ``import sim`` must
        not pay for it."""
        from scipy.special import gammainc, gammaincc

        shape, scale = (self.mean_value / self.sd) ** 2, self.sd**2 / self.mean_value
        x = cap / scale
        return float(self.mean_value * gammainc(shape + 1, x) + cap * gammaincc(shape, x))

    def sample(self, rng: np.random.Generator) -> float:
        shape = (self.mean_value / self.sd) ** 2
        return float(rng.gamma(shape, self.sd**2 / self.mean_value))


class Triangular(_Dist):
    """A planner's 'least, most likely, most' guess."""

    kind: Literal["triangular"] = "triangular"
    low: float = _param()
    mode: float = _param()
    high: float = _param()

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"needs low <= mode <= high and low < high, got {self.low}, {self.mode}, "
                f"{self.high}"
            )
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def _mean_capped(self, cap: float) -> float:
        """c - (c - a)^3 / (3 (b - a)(m - a)) up to the mode, mean - (b - c)^3 / (3 (b - a)(b - m))
        above it (a, m, b = low, mode, high)."""
        a, m, b = self.low, self.mode, self.high
        if cap <= a:
            return cap
        if cap >= b:
            return self.mean
        if cap <= m:
            return cap - (cap - a) ** 3 / (3 * (b - a) * (m - a))
        return self.mean - (b - cap) ** 3 / (3 * (b - a) * (b - m))

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.triangular(self.low, self.mode, self.high))


class Uniform(_Dist):
    """Any value between low and high equally likely."""

    kind: Literal["uniform"] = "uniform"
    low: float = _param()
    high: float = _param()

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"needs low < high, got low={self.low}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def _mean_capped(self, cap: float) -> float:
        """mean - (high - c)^2 / (2 (high - low)) for c between low and high."""
        if cap <= self.low:
            return cap
        if cap >= self.high:
            return self.mean
        return self.mean - (self.high - cap) ** 2 / (2 * (self.high - self.low))

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _number_means_fixed(value: Any) -> Any:
    """Let a bare number stand for a fixed value, and say clearly what a tag must be."""
    if isinstance(value, bool):
        return value  # rejected by the union with a clear message
    if isinstance(value, int | float):
        return {"kind": "fixed", "value": float(value)}
    if isinstance(value, dict) and "kind" not in value:
        raise ValueError(
            f"a distribution needs kind = one of {', '.join(DIST_KINDS)} (or a plain number)"
        )
    if isinstance(value, dict) and value.get("kind") not in DIST_KINDS:
        raise ValueError(
            f"unknown distribution kind {value.get('kind')!r}; use one of {', '.join(DIST_KINDS)}"
        )
    return value


Distribution = Annotated[
    Fixed | Exponential | LogNormal | Gamma | Triangular | Uniform,
    BeforeValidator(_number_means_fixed),
    Field(discriminator="kind"),
]


OptionalDistribution = Annotated[
    Annotated[
        Fixed | Exponential | LogNormal | Gamma | Triangular | Uniform,
        Field(discriminator="kind"),
    ]
    | None,
    BeforeValidator(_number_means_fixed),
]
"""A distribution that may be left unset (None), e.g. a channel's own client needs."""


def mean_between(low: float, high: float, unit: str) -> AfterValidator:
    """A check that a distribution's mean suits what it draws (None passes).

    The distributions themselves only know their parameters are finite; what a sensible
    average is depends on the field (hours a week, months, days), so each field says.
    """

    def check(dist: Any) -> Any:
        if dist is not None and not low <= dist.mean <= high:
            raise ValueError(
                f"must average between {low:g} and {high:g} {unit}, got {dist!r} "
                f"(mean {dist.mean:g})"
            )
        return dist

    check.bounds = (low, high)  # type: ignore[attr-defined]  # read by the schema tests
    return AfterValidator(check)
