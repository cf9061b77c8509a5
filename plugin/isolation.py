"""Running code plangate does not own (policies, packs, inventories) behind one boundary.

Policy code runs in this process, so a `sys.exit(0)`, a `KeyboardInterrupt` or any other
`BaseException` it raises would otherwise unwind through the CLI and end the run with
whatever code it chose, and anything it prints would land in the report on stdout (a
fake `PASS` summary in the Atlantis output, broken JSON or SARIF, a sensitive value that
redaction never saw). `guarded()` turns every exception into a `Failure` naming the code
that raised it, and `captured()` keeps what the code writes to `sys.stdout` and
`sys.stderr` out of the real streams.

Two exceptions belong to the run, not to the code that happened to be running: the
whole-run time limit (`GateTimeout`) and a real Ctrl-C. A SIGINT handler installed for the
duration of the guarded work tells a real Ctrl-C from a `raise KeyboardInterrupt` in
policy code.

This is a boundary against mistakes and careless code, not a sandbox: code that calls
`os._exit`, writes to file descriptor 1 or patches plangate's modules is not contained.
"""

from __future__ import annotations

import io
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

from .errors import GateTimeout

__all__ = ["Failure", "captured", "describe", "guarded", "summary", "watching_interrupts"]

T = TypeVar("T")

# What a capture keeps of the text policy code prints (the rest is only counted).
CAPTURE_LIMIT = 4096


class Failure(Exception):
    """Code plangate does not own raised (or printed nothing but failed); `text` is one
    line: the exception's type and the first line of its message. `name` and `message`
    (the whole message, as read) are there for a caller that must clean the message
    before it is cut: a secret the cut splits is no longer recognisable (`redaction`)."""

    def __init__(self, text: str, name: str = "", message: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.name = name
        self.message = message


class _Interrupts:
    """Whether the user pressed Ctrl-C while guarded code ran (set by the signal handler)."""

    __slots__ = ("signalled",)

    def __init__(self) -> None:
        self.signalled = False


_INTERRUPTS = _Interrupts()


@contextmanager
def watching_interrupts() -> Iterator[None]:
    """Record a real SIGINT, then let the previous handler act on it (Python's default
    raises KeyboardInterrupt). Only the main thread can install handlers; elsewhere, and
    when SIGINT is ignored, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN or previous is None:
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> Any:
        _INTERRUPTS.signalled = True
        if callable(previous):
            return previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def guarded(call: Callable[[], T], keep: tuple[type[BaseException], ...] = ()) -> T:
    """`call()`, with anything it raises turned into a `Failure`, except what belongs to
    the run: `GateTimeout` and a KeyboardInterrupt from a real Ctrl-C go on unchanged, and
    so do the exception types in `keep` (the caller reports those itself)."""
    try:
        return call()
    except GateTimeout:
        raise
    except keep:
        raise
    except KeyboardInterrupt as exc:
        if _INTERRUPTS.signalled:
            raise
        raise _failure(exc) from None
    except BaseException as exc:  # SystemExit, GeneratorExit, anything: never the run's end
        raise _failure(exc) from None


def _failure(exc: BaseException) -> Failure:
    name, message = _read(exc)
    return Failure(summary(name, message), name, message)


def describe(exc: BaseException) -> str:
    """`Type: first line of the message`, read without trusting the exception object: its
    `__str__` is policy code too, and may raise or return anything."""
    return summary(*_read(exc))


def summary(name: str, message: str) -> str:
    """`Type: first line of the message` (at most 200 characters of it)."""
    first = message.splitlines()[0] if message else ""
    return f"{name}: {first[:200]}" if first else name


def _read(exc: BaseException) -> tuple[str, str]:
    """The exception's type name and whole message."""
    name = type(exc).__name__
    name = name if isinstance(name, str) else "exception"
    try:
        text = str(exc)
    except GateTimeout:
        raise
    except BaseException:
        text = "(its message could not be read)"
    if type(text) is not str:
        text = ""
    if isinstance(exc, SystemExit):
        text = f"sys.exit({text})" if text else "sys.exit()"
    return name, text


class _Sink(io.TextIOBase):
    """A text stream that counts what is written and keeps the first `CAPTURE_LIMIT`
    characters, so a policy that prints a lot costs no memory."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.size < CAPTURE_LIMIT:
            self.kept.append(text[: CAPTURE_LIMIT - self.size])
        self.size += len(text)
        return len(text)

    @property
    def text(self) -> str:
        return "".join(self.kept)


class Captured:
    """What guarded code wrote to stdout and stderr while `captured()` was active."""

    __slots__ = ("stderr", "stdout")

    def __init__(self) -> None:
        self.stdout = _Sink()
        self.stderr = _Sink()

    @property
    def size(self) -> int:
        return self.stdout.size + self.stderr.size

    @property
    def text(self) -> str:
        return self.stdout.text + self.stderr.text


@contextmanager
def captured() -> Iterator[Captured]:
    """Point `sys.stdout`/`sys.stderr` at sinks, and put the real streams back afterwards,
    also when the code replaced them itself (`sys.stdout = open(os.devnull, "w")` at
    import would otherwise swallow the report)."""
    sinks = Captured()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = sinks.stdout, sinks.stderr
    try:
        yield sinks
    finally:
        sys.stdout, sys.stderr = saved
