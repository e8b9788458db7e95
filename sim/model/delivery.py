"""Weekly care delivery: who gave each client's hours this week (mechanism 3).

Settled once a week for all clients rather than one event per visit, which keeps the model
fast while still measuring continuity: each client's hours go first to their regular carer,
then to another employee with spare hours (cover), then to the owner (owner cover, using
spare care hours and then extra hours), and whatever is left is missed.
"""

from __future__ import annotations

from sim.model.entities import Client, Worker

EPS = 1e-9


def settle_week(
    clients: list[Client], workers: list[Worker], owner: Worker, owner_extra: float
) -> None:
    """Share out the week's available hours, in staff hours.

    On entry ``worker.available`` holds this week's hours (capacity less sickness); the owner
    may also work ``owner_extra`` hours beyond that for cover. On return each client's
    ``regular``, ``cover`` and ``owner_cover`` and each worker's ``worked`` are this week's.
    """
    for worker in workers:
        worker.worked = 0.0
    short: list[tuple[Client, float]] = []
    for client in clients:
        need = client.staff_hours
        carer = client.carer
        client.cover = client.owner_cover = 0.0
        give = 0.0
        if carer is not None and carer.available > EPS:
            give = need if carer.available >= need else carer.available
            carer.available -= give
            carer.worked += give
            need -= give
        client.regular = give
        if need > EPS:
            short.append((client, need))
    if not short:
        return
    owner.available += owner_extra
    employees = [w for w in workers if not w.is_owner]
    for client, need in short:
        carer = client.carer
        for worker in sorted(employees, key=lambda w: -w.available):
            if need <= EPS:
                break
            if worker is carer or worker.available <= EPS:
                continue
            give = min(need, worker.available)
            worker.available -= give
            worker.worked += give
            client.cover += give
            need -= give
        if need > EPS and owner.available > EPS:
            give = min(need, owner.available)
            owner.available -= give
            owner.worked += give
            if carer is owner:
                client.regular += give
            else:
                client.owner_cover += give
