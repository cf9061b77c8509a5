"""Talking to the terraform (or tofu) binary, and reading what `terraform init` recorded."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import PlangateError
from .packs import RecordedBackend

__all__ = ["find_terraform", "read_backend", "show_json"]


def find_terraform(explicit: str | None = None) -> str:
    """`--terraform-bin`, then `$PLANGATE_TERRAFORM`, then terraform or tofu on PATH."""
    import shutil  # here: only binary plans and `apply` need it

    for candidate in (explicit, os.environ.get("PLANGATE_TERRAFORM")):
        if candidate:
            found = shutil.which(candidate)
            if not found:
                raise PlangateError(
                    "terraform",
                    f"terraform binary {candidate!r} not found; "
                    "fix --terraform-bin or $PLANGATE_TERRAFORM",
                )
            return found
    for name in ("terraform", "tofu"):
        found = shutil.which(name)
        if found:
            return found
    raise PlangateError(
        "terraform",
        "a binary plan file needs terraform (or tofu) to read it, "
        "and none is on PATH; pass --terraform-bin or give "
        "`terraform show -json` output instead",
    )


def show_json(planfile: str, binary: str, chdir: str | None = None) -> bytes:
    """Run `terraform show -json PLANFILE` in the working directory the plan was made in."""
    import subprocess  # here: only binary plans need it

    try:
        proc = subprocess.run(
            [binary, "show", "-json", "-no-color", os.path.abspath(planfile)],
            cwd=chdir or None,
            capture_output=True,
            timeout=600,
            check=False,
        )
    except OSError as exc:
        raise PlangateError("terraform", f"cannot run {binary}: {exc.strerror}") from None
    except subprocess.TimeoutExpired:
        raise PlangateError("terraform", f"{binary} show -json {planfile} timed out") from None
    if proc.returncode != 0:
        reason = _first_error_line(proc.stderr.decode("utf-8", "replace"))
        hint = (
            "check that it is terraform or tofu (--terraform-bin)"
            if reason == "no output"
            else "run plangate where the plan was made, after terraform init (--chdir)"
        )
        raise PlangateError(
            "terraform",
            f"{planfile}: `{binary} show -json` failed (exit {proc.returncode}): {reason}; {hint}",
        )
    return proc.stdout


def _first_error_line(stderr: str) -> str:
    for line in stderr.splitlines():
        line = line.strip(" │╷╵\t")
        if line.startswith("Error:"):
            return line[6:].strip()
    lines = [ln.strip(" │╷╵\t") for ln in stderr.splitlines() if ln.strip(" │╷╵\t")]
    return lines[-1] if lines else "no output"


# `terraform init` writes a few hundred bytes here; a checkout may commit anything.
MAX_BACKEND_BYTES = 1 << 20


def _read_backend_file(state_file: Path) -> str:
    """The file's text, when it is a regular file (never through a symlink: `terraform
    init` writes none, a committed one may point anywhere) of at most MAX_BACKEND_BYTES."""
    fd = os.open(state_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        data = file.read(MAX_BACKEND_BYTES + 1)
    if len(data) > MAX_BACKEND_BYTES:
        raise ValueError("too large")
    return data.decode("utf-8-sig")


def read_backend(
    chdir: str | None = None, wanted: Mapping[str, Iterable[str]] | None = None
) -> RecordedBackend | None:
    """The backend block `terraform init` recorded: its type, and of its configuration
    only the `wanted` fields of that type (what the loaded packs declare), each a string,
    number or boolean. The file may hold credentials passed with `-backend-config`; no
    field nobody declared is ever read into the result.
    """
    data_dir = os.environ.get("TF_DATA_DIR") or ".terraform"
    base = Path(chdir or ".")
    path = Path(data_dir) if os.path.isabs(data_dir) else base / data_dir
    state_file = path / "terraform.tfstate"
    if not os.path.lexists(state_file):
        return None
    try:
        data = json.loads(_read_backend_file(state_file))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        raise PlangateError(
            "backend",
            f"{state_file}: cannot read the backend that "
            "`terraform init` recorded; run `terraform init` again",
        ) from None
    backend = data.get("backend") if isinstance(data, dict) else None
    if not isinstance(backend, dict) or not isinstance(backend.get("type"), str):
        return None
    kind = backend["type"]
    config = backend.get("config")
    if not isinstance(config, dict):
        config = {}
    fields = []
    for name in sorted(set((wanted or {}).get(kind, ()))):
        value = config.get(name)
        if isinstance(value, str | bool | int | float) and value != "":
            fields.append((name, value))
    return RecordedBackend(kind, str(state_file), tuple(fields))
