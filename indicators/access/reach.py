"""What a signed-in user may *see*: the region, municipalities and schools the sidebar offers.

Writing is checked at the write door; reading is narrowed here, once, for every page: the
pickers offer only what is in reach, and a link naming another municipality falls back to the
user's own (the sidebar says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.store.actors import Actor
from indicators.store.database import Database


@dataclass(frozen=True)
class Reach:
    """None: no limit at that level."""

    region_ids: tuple[str, ...] | None = None
    municipality_ids: tuple[str, ...] | None = None
    school_ids: tuple[str, ...] | None = None


def reading_reach(db: Database, actor: Actor) -> Reach:
    if actor.everywhere:
        return Reach()
    unit = actor.unit_id or ""
    found = db.rows("SELECT u.kind, u.parent_id, p.parent_id FROM org_unit u "
                    "LEFT JOIN org_unit p ON p.id = u.parent_id WHERE u.id = ?", [unit])
    if not found:
        return Reach((), (), ())   # a user tied to a unit that no longer exists sees nothing
    kind, parent, grandparent = found[0]
    if actor.role == "region_viewer" and kind == "region":
        return Reach(region_ids=(unit,))
    if actor.role in ("viewer", "department_editor") and kind == "municipality":
        return Reach(region_ids=(parent,) if parent else None, municipality_ids=(unit,))
    if actor.role == "school_editor" and kind == "school":
        return Reach(region_ids=(grandparent,) if grandparent else None, municipality_ids=(parent,),
                     school_ids=(unit,))
    return Reach((), (), ())
