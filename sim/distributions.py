"""A small tagged family of distributions used in scenario files.

Each is a frozen pydantic model with a ``kind`` tag, a ``mean`` and ``sample(rng)``, so a
scenario can say ``hours_per_week = {kind = "lognormal", mean = 6, sd = 4}`` and a
deterministic test can say ``hours_per_week = 5`` (a bare number means "fixed").
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


class Fixed(_Dist):
    """Always the same value: the way to switch randomness off for a process."""

    kind: Literal["fixed"] = "fixed"
    value: float = _param()

    @property
    def mean(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        return self.value


class Exponential(_Dist):
    """Memoryless durations (e.g. package length under a constant hazard)."""

    kind: Literal["exponential"] = "exponential"
    mean_value: float = Field(gt=0, le=MAX_PARAMETER, alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

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

    def sample(self, rng: np.random.Generator) -> float:
        sigma2 = math.log1p((self.sd / self.mean_value) ** 2)
        mu = math.log(self.mean_value) - sigma2 / 2
        return float(rng.lognormal(mu, math.sqrt(sigma2)))


class Gamma(_MeanSd):
    """Positive values by mean and sd; less heavy-tailed than the lognormal."""

    kind: Literal["gamma"] = "gamma"

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

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


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
