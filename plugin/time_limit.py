"""The whole-run time limit: `--timeout SECONDS`, else `$PLANGATE_TIMEOUT`, else 300 s.

Every input is bounded step by step, but policies from packs and whatever the pull
request author found that is still slow must not hold the gate open: a run that has
not decided by the limit ends with exit 2 and an `error` report. The limit is the
operator's (the command line, the environment of the CI job); a config file, which the
repository may hold, has no say.

When the limit passes, a SIGALRM handler raises `GateTimeout` in the main thread. It is
a `BaseException`, so a policy's `except Exception` does not swallow it. Code that still
does not stop (a policy that catches `BaseException`, ignores or cancels the signal, or
waits in C code) is ended by a watchdog thread `GRACE_SECONDS` later: one line on
stderr, then `os._exit(2)`. (Only C code that never releases the interpreter lock can
outlast both; the CI job's own timeout is the last resort there.)
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from .errors import GateTimeout, PlangateError

__all__ = [
    "DEFAULT_SECONDS",
    "ENVIRONMENT",
    "GRACE_SECONDS",
    "MAX_SECONDS",
    "TimeLimit",
    "limit_seconds",
    "parse_seconds",
]

DEFAULT_SECONDS = 300.0
GRACE_SECONDS = 5.0
MAX_SECONDS = 86_400.0
ENVIRONMENT = "PLANGATE_TIMEOUT"


def parse_seconds(text: str) -> float:
    """A limit as written by the operator: a number of seconds, above 0, at most a day.
    Raises ValueError saying what is wrong."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_SECONDS:  # NaN is neither
        raise ValueError(f"{text!r} is not a number of seconds above 0 and at most {MAX_SECONDS:g}")
    return value


def limit_seconds(flag: float | None, environ: Mapping[str, str]) -> float:
    """The flag, else the environment variable, else the default."""
    if flag is not None:
        return flag
    text = environ.get(ENVIRONMENT, "").strip()
    if not text:
        return DEFAULT_SECONDS
    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise PlangateError("usage", f"{ENVIRONMENT}: {exc}") from None


class TimeLimit:
    """`with TimeLimit(s) as limit:` starts the watchdog (it ends the process `GRACE_SECONDS`
    after the limit unless the block has ended); `with limit.interrupting():` raises
    `GateTimeout` in the main thread when the limit passes inside it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds
        self._done = threading.Event()
        self._armed = False

    def __enter__(self) -> TimeLimit:
        self._deadline = time.monotonic() + self.seconds
        watchdog = threading.Thread(target=self._watch, name="plangate-time-limit", daemon=True)
        watchdog.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()

    @contextmanager
    def interrupting(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only: the watchdog alone guards
            return
        previous = signal.signal(signal.SIGALRM, self._on_alarm)
        self._armed = True
        signal.setitimer(signal.ITIMER_REAL, max(self._deadline - time.monotonic(), 1e-3))
        try:
            yield
        finally:
            self._armed = False  # first: an alarm already on its way now does nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> Any:
        if self._armed:
            self._armed = False
            raise GateTimeout(self.seconds)

    def _watch(self) -> None:
        remaining = self._deadline + GRACE_SECONDS - time.monotonic()
        if self._done.wait(min(max(remaining, 0.0), threading.TIMEOUT_MAX)):
            return
        # Raw writes: the main thread may hold the lock of sys.stderr's buffer.
        line = (
            f"plangate: error: the check did not stop within {GRACE_SECONDS:g} s after "
            f"its {self.seconds:g} s time limit (code that ignores the limit, or waits in "
            "C code); exiting\n"
        )
        try:
            os.write(2, line.encode())
        finally:
            os._exit(2)
