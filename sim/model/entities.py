"""The people in the model: clients and workers (the owner is a worker too)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

EPS = 1e-9  # hours below this are float residue, not hours


@dataclass(slots=True, eq=False)
class Client:
    """A person receiving care, with a regular carer when one is free to take them."""

    id: int
    channel: str
    payer: str
    client_hours: float  # h/week billed (for day activities: attendance hours)
    staff_hours: float  # h/week of staff time the package needs
    start: float  # day the package started
    carer: Worker | None = None
    active: bool = True
    # continuity as the client lives it: a change of regular carer is a break; the new
    # carer's hours count as continuity only from settlement ``settled_week``
    settled_week: float = 0.0
    seen: set[int] = field(default_factory=set)  # ids of the people who cared this month
    # this week's settlement, in staff hours
    regular: float = 0.0
    cover: float = 0.0
    owner_cover: float = 0.0
    bought: float = 0.0  # hours of a holiday week bought from another provider


@dataclass(slots=True, eq=False)
class Worker:
    """The owner or an employee. ``capacity`` is h/week of care they can give."""

    id: int
    is_owner: bool
    capacity: float
    desired: float = 0.0
    contracted: float = 0.0
    committed: float = 0.0  # h/week of regular clients assigned
    clients: list[Client] = field(default_factory=list)
    # this week's settlement
    available: float = 0.0
    sick: float = 0.0
    holiday: bool = False  # on holiday this week (the whole week off)
    worked: float = 0.0
    # when things happen to them (weeks are settlement numbers; see sim.model.staff)
    next_sick_week: float = math.inf  # the week their next sickness spell starts
    next_holiday_week: float = math.inf  # the week their next week of holiday falls in
    holiday_block: float = 0.0  # the start (in weeks) of the block their next holiday is in
    leave_week: float = math.inf  # the week they leave, at today's hazard
    hazard: float = 0.0  # weekly hazard of leaving, from the hours they are offered
    hazard_left: float = 0.0  # hazard still to run out (from `anchor_week`) before they leave
    anchor_week: int = 0
    offer_changed: bool = True  # their committed hours changed: hazard to work out again

    @property
    def free(self) -> float:
        return self.capacity - self.committed

    def assign(self, client: Client) -> None:
        client.carer = self
        self.clients.append(client)
        self.committed += client.staff_hours
        self.offer_changed = True

    def release(self, client: Client) -> None:
        client.carer = None
        self.clients.remove(client)
        self.committed -= client.staff_hours
        if not self.clients:
            self.committed = 0.0  # no float residue once nobody is assigned
        self.offer_changed = True
