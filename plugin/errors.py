"""Errors a user can act on.

Every failure plangate reports to a person goes through `PlangateError`, so the CLI can
print one line (what, where, what to do) and exit 2 without a traceback.
"""

from __future__ import annotations

__all__ = ["GateTimeout", "PlangateError"]


class PlangateError(Exception):
    """A failure with a kind (stable, for the JSON report) and a one-line message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message


class GateTimeout(BaseException):
    """The whole-run time limit passed.

    A `BaseException`, like `KeyboardInterrupt`, so a policy's `except Exception` cannot
    swallow it; the runner's isolation of policies re-raises it instead of blaming the
    policy that happened to be running.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the check did not finish within {seconds:g} s")
        self.seconds = seconds
