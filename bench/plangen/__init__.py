"""The bench plan generator: the reference project's real plans, scaled by module instances.

`examples/make_plans.py` plans `examples/reference-project` with the real terraform binary
(against the stub AWS provider of tests/tfstub) and ships the plans in `examples/plans/`.
This package reads them, and no terraform is needed here. The plan it writes is what
Terraform would print for a fleet of services: the project's `network`, `database` and
`app` modules under one `module "service"` with `for_each = var.services` (keys such as
`billing.eu/events-0256` or `analytics/api-0187:canary`), and its `state_backend` module
(the state bucket and the `LockID` lock table, unchanged) once beside it.

Each service instance is a copy of one module instance of a real plan (its resource
changes, `planned_values`, `prior_state`, `relevant_attributes`), with its address, its
names and the ids the provider assigned rewritten so that they stay unique and
consistent (tokens.py). New services come from the first plan, existing ones from plans
made after apply, removed ones are turned into deletes, and one in `mistake_every`
carries the mistake of a variant built to produce findings (fleet.py): those findings,
under the instance's address, are what `plangate check` must report. The configuration
section nests the project's module calls under the `service` call, so references
resolve per instance (configuration.py). A few root log groups make the count exact
(filler.py). Same arguments, same bytes.
"""

from __future__ import annotations

from .examples import EXAMPLES, ExamplesError
from .scale import CALL, Generated, fingerprint, generate

__all__ = ["CALL", "EXAMPLES", "ExamplesError", "Generated", "fingerprint", "generate"]
