"""Writing report files (`--output FORMAT=PATH`): whole or not at all, never through a link.

The checkout plangate runs in comes from the pull request, so a path the operator names
may already exist there as a symbolic link (to `~/.ssh/authorized_keys`, to another job's
files). A report is written to a temporary file beside the target and renamed over it:
the rename replaces a link at the target itself and never writes where it points, and a
reader never sees a half-written file. Directories on the way that are links inside the
working directory are refused; paths outside it are the operator's own.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["link_on_the_way", "write_whole"]


def link_on_the_way(path: str) -> Path | None:
    """The first directory of `path` inside the working directory that is a symbolic
    link, if any (the last component is not looked at: it is replaced, not followed)."""
    cwd = Path.cwd()
    given = Path(path)
    if given.is_absolute():
        try:
            given = given.relative_to(cwd)
        except ValueError:
            return None  # outside the checkout: the operator's filesystem
    current = cwd
    for part in given.parts[:-1]:
        if part == "..":
            # Only real directories were passed so far, so this is where the OS goes too.
            current = current.parent
            continue
        current = current / part
        if current.is_symlink():
            return current
    return None


def write_whole(path: str, data: bytes) -> None:
    """Write `data` to `path` by renaming a complete temporary file over it.

    Raises OSError (with `strerror`) when it cannot; the target is then untouched.
    """
    link = link_on_the_way(path)
    if link is not None:
        raise OSError(0, f"{link} is a symbolic link; refusing to write through it")
    target = Path(path)
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(21, "is a directory")
    import tempfile  # here: a run without --output writes no file

    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process umask (read by setting it, then putting it back), so a report gets the
    permissions any other file the job creates gets, not mkstemp's 0600."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
