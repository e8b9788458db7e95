"""Each distribution's samples against its formulas (as Ciw tests every distribution).

200,000 draws per distribution: the sample mean and variance must match the textbook mean
and variance within 4 standard errors, where the standard errors come from theory too:
se(mean) = sd / sqrt(n) and se(variance) = sqrt((mu4 - sd**4) / n), mu4 the fourth central
moment. The lognormal and gamma are given by their own mean and sd, so the parameters numpy
receives are checked as well, through the whole distribution function (scipy's cdf at the
hand-derived parameters) at a few points, each within 4 binomial standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.distributions import Exponential, Fixed, Gamma, LogNormal, Triangular, Uniform

N = 200_000
Z = 4.0  # standard errors allowed: a false alarm about once in 16,000 checks


def draws(dist, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.fromiter((dist.sample(rng) for _ in range(N)), dtype=float, count=N)


def lognormal_moments(mean: float, sd: float) -> tuple[float, float, float]:
    """mean, variance, fourth central moment; s2 = ln(1 + cv^2), excess kurtosis
    e^(4 s2) + 2 e^(3 s2) + 3 e^(2 s2) - 6."""
    s2 = math.log1p((sd / mean) ** 2)
    excess = math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 6
    return mean, sd**2, sd**4 * (3 + excess)


def gamma_moments(mean: float, sd: float) -> tuple[float, float, float]:
    """shape k = (mean / sd)^2; excess kurtosis 6 / k."""
    k = (mean / sd) ** 2
    return mean, sd**2, sd**4 * (3 + 6 / k)


def exponential_moments(mean: float) -> tuple[float, float, float]:
    """variance mean^2, excess kurtosis 6 (mu4 = 9 mean^4)."""
    return mean, mean**2, 9 * mean**4


def uniform_moments(low: float, high: float) -> tuple[float, float, float]:
    """variance w^2 / 12, mu4 = w^4 / 80 (w = high - low)."""
    w = high - low
    return (low + high) / 2, w**2 / 12, w**4 / 80


def triangular_moments(a: float, c: float, b: float) -> tuple[float, float, float]:
    """mean (a + b + c) / 3, variance (a^2 + b^2 + c^2 - ab - ac - bc) / 18, excess
    kurtosis -3/5 (mu4 = 2.4 variance^2)."""
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    return (a + b + c) / 3, var, 2.4 * var**2


CASES = [
    ("lognormal", LogNormal(mean=6.0, sd=4.0), lognormal_moments(6.0, 4.0)),
    ("lognormal_wide", LogNormal(mean=42.0, sd=21.0), lognormal_moments(42.0, 21.0)),
    ("gamma", Gamma(mean=6.0, sd=4.0), gamma_moments(6.0, 4.0)),
    ("gamma_shape_below_1", Gamma(mean=2.0, sd=3.0), gamma_moments(2.0, 3.0)),
    ("exponential", Exponential(mean=20.0), exponential_moments(20.0)),
    ("uniform", Uniform(low=1.0, high=3.0), uniform_moments(1.0, 3.0)),
    ("triangular", Triangular(low=2.0, mode=3.0, high=10.0), triangular_moments(2.0, 3.0, 10.0)),
]


@pytest.mark.parametrize(("dist", "moments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sample_mean_and_variance_match_the_formulas(dist, moments) -> None:
    mean, var, mu4 = moments
    x = draws(dist, seed=2026)
    assert dist.mean == pytest.approx(mean, rel=1e-12)  # the mean the scenario checks use
    assert x.mean() == pytest.approx(mean, abs=Z * math.sqrt(var / N))
    assert x.var(ddof=1) == pytest.approx(var, abs=Z * math.sqrt((mu4 - var**2) / N))
    assert (x >= 0).all()


# The whole distribution: lognormal(mu, s) with s^2 = ln(1 + cv^2), mu = ln(mean) - s^2 / 2;
# gamma with shape (mean / sd)^2 and scale sd^2 / mean.
def _lognormal_cdf(mean: float, sd: float):
    s2 = math.log1p((sd / mean) ** 2)
    return stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2)).cdf


def _gamma_cdf(mean: float, sd: float):
    return stats.gamma(a=(mean / sd) ** 2, scale=sd**2 / mean).cdf


SHAPES = [
    ("lognormal", LogNormal(mean=6.0, sd=4.0), _lognormal_cdf(6.0, 4.0)),
    ("gamma", Gamma(mean=6.0, sd=4.0), _gamma_cdf(6.0, 4.0)),
    ("gamma_shape_below_1", Gamma(mean=2.0, sd=3.0), _gamma_cdf(2.0, 3.0)),
]


@pytest.mark.parametrize(("dist", "cdf"), [c[1:] for c in SHAPES], ids=[c[0] for c in SHAPES])
def test_distribution_function_matches_the_parameterisation(dist, cdf) -> None:
    """Same mean and sd do not make the same distribution: a gamma drawn where a lognormal
    was asked for would pass the moment test, not this one (at 6, 4: P(X <= 2) is 0.066 for
    the lognormal and 0.124 for the gamma)."""
    x = np.sort(draws(dist, seed=7))
    for point in (1.0, 2.0, 4.0, 6.0, 12.0):
        p = cdf(point)
        se = math.sqrt(p * (1 - p) / N)
        assert np.searchsorted(x, point, side="right") / N == pytest.approx(p, abs=Z * se)


def test_fixed_is_always_its_value() -> None:
    rng = np.random.default_rng(0)
    dist = Fixed(value=3.5)
    assert dist.mean == 3.5
    assert {dist.sample(rng) for _ in range(100)} == {3.5}


# --- E[min(X, c)]: what a draw cut at c gives on average (a sickness spell in its week) ------

CAPS = (0.5, 2.5, 5.0, 30.0)  # below, inside and above each case's range


@pytest.mark.parametrize("dist", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_mean_capped_matches_capped_samples(dist) -> None:
    """200,000 draws cut at c: their mean within 4 standard errors (the cut draws' sd over
    sqrt(N)) of mean_capped(c), at caps below, inside and above the bulk of each case; 1e-6
    more where no draw falls below c (sd 0) but a few in 10^9 would."""
    x = draws(dist, seed=11)
    for cap in CAPS:
        cut = np.minimum(x, cap)
        se = cut.std(ddof=1) / math.sqrt(N)
        assert dist.mean_capped(cap) == pytest.approx(cut.mean(), abs=Z * se + 1e-6), cap
    assert dist.mean_capped(0.0) == 0.0
    assert dist.mean_capped(1e9) == pytest.approx(dist.mean, rel=1e-9)


E = math.exp(1)


@pytest.mark.parametrize(
    ("dist", "cap", "expected"),
    [
        (Fixed(value=3.5), 2.0, 2.0),
        (Fixed(value=3.5), 5.0, 3.5),
        (Exponential(mean=3.0), 5.0, 3 * (1 - E ** (-5 / 3))),  # 2.4334
        (Uniform(low=1.0, high=9.0), 0.5, 0.5),
        (Uniform(low=1.0, high=9.0), 5.0, 1 + 4 - 4**2 / (2 * 8)),  # 1 + int_1^5 (9-t)/8 dt
        (Uniform(low=1.0, high=9.0), 9.0, 5.0),
        # triangular(2, 3, 10): P(X <= t) = (t-2)^2 / 8 up to 3, 1 - (10-t)^2 / 56 above
        (Triangular(low=2.0, mode=3.0, high=10.0), 2.5, 2.5 - 0.5**3 / (3 * 8)),
        (Triangular(low=2.0, mode=3.0, high=10.0), 5.0, 5 - 5**3 / (3 * 56)),
        (Triangular(low=2.0, mode=3.0, high=10.0), 12.0, 5.0),
        (Triangular(low=1.0, mode=1.0, high=4.0), 2.0, 2 - 2**3 / (3 * 9)),  # mode at low
        (Triangular(low=1.0, mode=4.0, high=4.0), 2.0, 2 - 1 / (3 * 9)),  # mode at high
    ],
)
def test_mean_capped_matches_hand_worked_values(dist, cap: float, expected: float) -> None:
    """Each from E[min(X, c)] = the integral from 0 to c of P(X > t) dt, worked by hand."""
    assert dist.mean_capped(cap) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("dist", "cdf"), [c[1:] for c in SHAPES], ids=[c[0] for c in SHAPES])
def test_mean_capped_matches_the_integral_of_the_tail(dist, cdf) -> None:
    """Lognormal and gamma against the integral from 0 to c of 1 - F(t), F scipy's cdf at the
    hand-derived parameters (independent of the erf and incomplete-gamma closed forms)."""
    for cap in CAPS:
        tail, _ = integrate.quad(lambda t: 1.0 - cdf(t), 0.0, cap, epsabs=1e-12, limit=200)
        assert dist.mean_capped(cap) == pytest.approx(tail, rel=1e-8), cap
