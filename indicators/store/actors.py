"""Who writes, and what each role may write: the rules the write door enforces.

An :class:`Actor` is the signed-in user as the domain sees it (never a name typed in a box).
The door asks :func:`may_write` before it opens a batch, and checks every row a batch writes
against :meth:`Actor.units` — so a page that forgot to hide a button still cannot write where
its user does not belong.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("viewer", "department_editor", "school_editor", "region_viewer", "admin")

# What each role may write, by the source of the write (words.SOURCE_LABELS).  Viewers of a
# municipality or a region read and present; they write nothing.
WRITES = {
    "viewer": frozenset(),
    "region_viewer": frozenset(),
    "school_editor": frozenset({"import", "edit", "undo"}),
    "department_editor": frozenset({"import", "edit", "undo", "accept", "unlock", "receive",
                                    "recommendation", "council", "adoption", "vpr-import"}),
    "admin": frozenset({"import", "edit", "undo", "accept", "unlock", "receive", "recommendation",
                        "council", "catalog", "catalog-file", "demo", "generate", "init", "users",
                        "adoption", "vpr-import"}),
}
# Tables whose rows belong to one unit (the column naming it), checked row by row.
UNIT_COLUMNS = {"assessment": "org_unit_id", "event_status": "org_unit_id",
                "submission": "org_unit_id", "recommendation": "org_unit_id",
                "council_snapshot": "municipality_id", "roadmap_adoption": "unit_id",
                "vpr_participant": "org_unit_id", "vpr_school_report": "org_unit_id"}
# A school editor writes its values and its events, and the «received» mark an import sets.
SCHOOL_TABLES = frozenset({"assessment", "event_status", "submission"})


class AccessDenied(PermissionError):
    """The signed-in user may not make this write; the message is Russian and names why."""


@dataclass(frozen=True)
class Actor:
    login: str
    name: str
    role: str
    unit_id: str | None = None   # the municipality, school or region the role is tied to

    @property
    def everywhere(self) -> bool:
        """An administrator (or the local single user) writes for every unit."""
        return self.role == "admin"

    def may_write(self, source: str) -> bool:
        return source in WRITES.get(self.role, frozenset())


# The process itself (catalog sync at start-up, demo, generate, `init`): not a person.
SYSTEM = Actor(login="system", name="система", role="admin")
# `make run` on loopback: one person at their own computer, no password (the app says so).
LOCAL = Actor(login="local", name="Локальный пользователь", role="admin")
