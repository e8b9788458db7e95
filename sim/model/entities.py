"""The people in the model: clients and workers (the owner is a worker too)."""

from __future__ import annotations

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
    # this week's settlement, in staff hours
    regular: float = 0.0
    cover: float = 0.0
    owner_cover: float = 0.0


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
    worked: float = 0.0

    @property
    def free(self) -> float:
        return self.capacity - self.committed

    def assign(self, client: Client) -> None:
        client.carer = self
        self.clients.append(client)
        self.committed += client.staff_hours

    def release(self, client: Client) -> None:
        client.carer = None
        self.clients.remove(client)
        self.committed -= client.staff_hours
        if not self.clients:
            self.committed = 0.0  # no float residue once nobody is assigned
