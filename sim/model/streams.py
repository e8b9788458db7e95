"""Independent random streams at fixed indices: per area, per provider, per process.

A replication's randomness comes from ``SeedSequence([seed, replication])``. The area (the
council's referrals and its brokerage) draws from child 0; provider ``i`` draws from child
``i + 1``, and within it each stochastic process has its own stream at the fixed index of its
name in :data:`STREAM_NAMES`: a PCG64 generator seeded with the four 64-bit words at that
index of the child's generated state (what ``PCG64(SeedSequence)`` itself takes, without
building a SeedSequence per stream, which costs ~25 us each). A child is made from its index
alone (not by spawning all children at once) and the words of a state do not depend on how
many are drawn, so adding a provider or a process leaves every other one's draws as they
were, and two scenarios run with the same seed share common random numbers process by
process: a change that touches one process leaves the others' draws as they were.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from sim.scenario import CHANNELS

STREAM_NAMES: tuple[str, ...] = (
    *(f"arrivals_{c}" for c in CHANNELS),
    *(f"needs_{c}" for c in CHANNELS),
    *(f"package_{c}" for c in CHANNELS),
    "dissatisfaction",
    "sickness",
    "turnover",
    "hiring",
    "payment_lag",
    "council",
    "waiting",
    "shock_key_worker",
    "shock_poor_inspection",
    "shock_large_client",
    "shock_owner_illness",
    "holidays",
    "owner_holidays",
    "owner_patience",
)
AREA_STREAM_NAMES: tuple[str, ...] = ("council_arrivals", "council_allocation")

_BLOCK = 256


class Stream:
    """A generator plus pre-drawn blocks of uniforms and exponentials (a draw from a block
    costs ~26 ns against ~0.5 us for a single numpy call)."""

    __slots__ = ("rng", "_u", "_ui", "_e", "_ei")

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._u: list[float] = []
        self._ui = _BLOCK  # blocks are drawn on first use
        self._e: list[float] = []
        self._ei = _BLOCK

    def uniform(self) -> float:
        if self._ui == _BLOCK:
            self._u = self.rng.random(_BLOCK).tolist()
            self._ui = 0
        value = self._u[self._ui]
        self._ui += 1
        return value

    def exponential(self) -> float:
        """A draw from the exponential distribution with mean 1."""
        if self._ei == _BLOCK:
            self._e = self.rng.standard_exponential(_BLOCK).tolist()
            self._ei = 0
        value = self._e[self._ei]
        self._ei += 1
        return value


def area_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed of the area's own streams (child 0 of the replication)."""
    return np.random.SeedSequence([seed, replication], spawn_key=(0,))


def provider_seed(seed: int, replication: int, index: int) -> np.random.SeedSequence:
    """The seed of provider ``index``'s streams (child ``index + 1`` of the replication)."""
    return np.random.SeedSequence([seed, replication], spawn_key=(index + 1,))


class _Words(ISeedSequence):
    """Four words of a generated state, given to PCG64 as its seed."""

    __slots__ = ("words",)

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        # PCG64 asks for exactly 4 uint64 words
        if n_words != SEED_WORDS or dtype is not np.uint64:
            raise ValueError(f"expected {SEED_WORDS} uint64 words, got {n_words} {dtype}")
        return self.words


SEED_WORDS = 4


class Streams:
    """The streams of one area or provider, by name, each at the fixed index of its name."""

    def __init__(self, seed: np.random.SeedSequence, names: tuple[str, ...] = STREAM_NAMES) -> None:
        self._seed = seed
        self._names = names
        self._index = {name: i for i, name in enumerate(names)}
        self._words: np.ndarray | None = None
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        """The named stream, made on first use (many scenarios never touch most of them)."""
        stream = self._streams.get(name)
        if stream is None:
            if self._words is None:
                self._words = self._seed.generate_state(SEED_WORDS * len(self._names), np.uint64)
            at = SEED_WORDS * self._index[name]
            words = _Words(self._words[at : at + SEED_WORDS])
            bits = np.random.PCG64(words)  # type: ignore[arg-type]  # any ISeedSequence will do
            stream = Stream(np.random.Generator(bits))
            self._streams[name] = stream
        return stream
