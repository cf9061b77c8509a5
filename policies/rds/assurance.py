"""The RDS pack's part of the assurance map: the application plane, and the invariant
"no database is reachable from the internet"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plangate.contributors import assurance

if TYPE_CHECKING:
    from plangate import Plan
    from plangate.assurance import Contribution


@assurance(schema="assurance.schema.json")
def application_plane(plan: Plan) -> Contribution:
    """Each database, where it lives and every path that admits its port; the compute
    behind those paths and what reaches it."""
    # Imported here: the drawing code and the map's readers load only when a map is drawn.
    from ._plane import application_plane as draw

    return draw(plan)
