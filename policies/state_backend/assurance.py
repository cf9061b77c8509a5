"""The state-backend pack's part of the assurance map: the state plane, and the invariant
"the application plane cannot reach the state plane"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plangate.contributors import assurance

if TYPE_CHECKING:
    from plangate import PackSettings, Plan
    from plangate.assurance import Contribution


@assurance(schema="assurance.schema.json")
def state_plane(plan: Plan, settings: PackSettings) -> Contribution:
    """Each lock table and state bucket, and every principal, event and resource policy
    that reaches it."""
    # Imported here: the drawing code and the map's readers load only when a map is drawn.
    from ._plane import state_plane as draw

    return draw(plan, settings)
