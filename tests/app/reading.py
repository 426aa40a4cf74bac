"""Reading what an AppTest page shows, beyond the element lists AppTest offers."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def popover_labels(at: AppTest) -> list[str]:
    """The labels of the popovers on the page (the counts that open a list of schools)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if type(child).__name__ == "Block" and child.type == "popover":
                found.append(child.proto.popover.label)
            walk(child)

    walk(at.main)
    return found
