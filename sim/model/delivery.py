"""Weekly care delivery: who gave each client's hours this week (mechanism 3).

Settled once a week for all clients rather than one event per visit, which keeps the model
fast while still measuring continuity: each client's hours go first to their regular carer,
then to another employee with spare hours (cover), then to the owner (owner cover, using
spare care hours and then extra hours), and whatever is left is missed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.entities import Client, Worker

EPS = 1e-9


@dataclass(slots=True)
class ClientWeek:
    """What one client received this week, in staff hours."""

    client: Client
    regular: float = 0.0
    cover: float = 0.0
    owner_cover: float = 0.0

    @property
    def delivered(self) -> float:
        return self.regular + self.cover + self.owner_cover

    @property
    def delivered_share(self) -> float:
        need = self.client.staff_hours
        return min(1.0, self.delivered / need) if need > 0 else 1.0

    @property
    def continuity(self) -> float:
        """Share of delivered hours given by the regular carer (0 when none delivered)."""
        delivered = self.delivered
        return self.regular / delivered if delivered > 0 else 0.0


def settle_week(
    clients: list[Client], workers: list[Worker], owner: Worker, owner_extra: float
) -> list[ClientWeek]:
    """Share out the week's available hours; record hours worked on each worker.

    ``worker.available`` must hold this week's hours (capacity less sickness) on entry; the
    owner may also work ``owner_extra`` hours beyond that for cover.
    """
    for worker in workers:
        worker.worked = 0.0
    weeks = [ClientWeek(c) for c in clients]
    short: list[tuple[ClientWeek, float]] = []
    for week in weeks:
        need = week.client.staff_hours
        carer = week.client.carer
        if carer is not None and carer.available > EPS:
            give = need if carer.available >= need else carer.available
            carer.available -= give
            carer.worked += give
            week.regular = give
            need -= give
        if need > EPS:
            short.append((week, need))
    if not short:
        return weeks
    owner.available += owner_extra
    employees = [w for w in workers if not w.is_owner]
    for week, need in short:
        carer = week.client.carer
        for worker in sorted(employees, key=lambda w: -w.available):
            if need <= EPS:
                break
            if worker is carer or worker.available <= EPS:
                continue
            give = min(need, worker.available)
            worker.available -= give
            worker.worked += give
            week.cover += give
            need -= give
        if need > EPS and owner.available > EPS:
            give = min(need, owner.available)
            owner.available -= give
            owner.worked += give
            if carer is owner:
                week.regular += give
            else:
                week.owner_cover += give
    return weeks
