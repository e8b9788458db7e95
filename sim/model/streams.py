"""One independent random stream per stochastic process, at a fixed index.

Streams are spawned from ``SeedSequence([seed, replication])`` in the fixed order of
:data:`STREAM_NAMES`, so two scenarios run with the same seed share common random numbers
process by process: a change that touches one process leaves the others' draws as they were.
"""

from __future__ import annotations

import numpy as np

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
)

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


class Streams:
    """All of a replication's streams, by name."""

    def __init__(self, seed: int, replication: int) -> None:
        children = np.random.SeedSequence([seed, replication]).spawn(len(STREAM_NAMES))
        self._seeds = dict(zip(STREAM_NAMES, children, strict=True))
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        """The named stream, made on first use (many scenarios never touch most of them)."""
        stream = self._streams.get(name)
        if stream is None:
            stream = Stream(np.random.default_rng(self._seeds[name]))
            self._streams[name] = stream
        return stream
