"""Errors a user can act on.

Every failure plangate reports to a person goes through `PlangateError`, so the CLI can
print one line (what, where, what to do) and exit 2 without a traceback.
"""

from __future__ import annotations

__all__ = ["GateTimeout", "PlanValueError", "PlangateError"]


class PlangateError(Exception):
    """A failure with a kind (stable, for the JSON report) and a one-line message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message


class PlanValueError(PlangateError):
    """A value in the plan has a JSON type Terraform never writes there (a string where a
    boolean belongs): the plan was edited. Raised by the model's typed readers
    (`after_bool`, `after_number`, …) and reported as an input error naming the plan,
    resource and attribute, not as a failure of the policy that read it."""

    def __init__(self, message: str) -> None:
        super().__init__("input", message)


class GateTimeout(BaseException):
    """The whole-run time limit passed.

    A `BaseException`, like `KeyboardInterrupt`, so a policy's `except Exception` cannot
    swallow it; the runner's isolation of policies re-raises it instead of blaming the
    policy that happened to be running.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the check did not finish within {seconds:g} s")
        self.seconds = seconds
