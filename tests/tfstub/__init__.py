"""Run the real ``terraform`` binary against a stub ``hashicorp/aws`` provider.

The stub (provider.py, written with the ``tf`` package) has the real provider's schema (v5) for
the resource types plangate cares about and behaves like it: values AWS assigns are unknown in
a first plan, get realistic deterministic values on apply, and a second plan after apply has a
real ``prior_state`` with ``no-op``/``update``/replace actions; ``import`` blocks work too. No
network, no credentials. Account 123456789012; region from the provider block (or
``AWS_REGION``, else us-east-1).

Typical use::

    env = stub_env(tmp_path)
    init(workdir, env)                       # only needed when the configuration has modules
    plan_json, planfile = plan(workdir, env, {"env": "prod"})
    apply(workdir, env, planfile)            # then plan again for prior_state / no-op

This module is stdlib only and uses no package-relative imports, so it can be loaded from its
file path (``importlib.util.spec_from_file_location("tfstub", ".../tests/tfstub/__init__.py")``);
the provider itself runs in terraform's child process.

Backends: local state only. A configuration with a ``backend "s3"`` block cannot plan until
``terraform init`` has initialised that backend, which needs AWS. Copy the tree to a temporary
directory, call ``local_backend_override(copy)`` (it writes ``backend_override.tf`` with
``terraform { backend "local" {} }``, which Terraform merges over the real block), then
``init(copy, env, backend=True)`` and ``plan(copy, env)``. Do not write the override into a
source tree; ``.terraform/terraform.tfstate`` then records ``backend.type = "local"``, so a test
of backend detection has to write its own copy of that file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = [
    "apply",
    "init",
    "local_backend_override",
    "plan",
    "show",
    "stub_data",
    "stub_env",
    "terraform",
    "terraform_available",
    "terraform_binary",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
_TIMEOUT = 300

# Inherited settings that would change what terraform does in a test run.
_DROPPED_ENV = (
    "TF_CLI_CONFIG_FILE",
    "TF_REATTACH_PROVIDERS",
    "TF_DATA_DIR",
    "TF_WORKSPACE",
    "TF_PLUGIN_CACHE_DIR",
)


def terraform_binary() -> str | None:
    """The terraform executable: ``$PLANGATE_TERRAFORM`` if set, else ``terraform`` on PATH."""
    explicit = os.environ.get("PLANGATE_TERRAFORM")
    if explicit:
        return shutil.which(explicit) or (explicit if os.access(explicit, os.X_OK) else None)
    return shutil.which("terraform")


def terraform_available() -> bool:
    return terraform_binary() is not None


def stub_env(tmp_dir: Path) -> dict[str, str]:
    """Environment for terraform runs that use the stub provider; files go under ``tmp_dir``.

    Writes ``tmp_dir/tfstub/plugins/terraform-provider-aws`` (a shell launcher that runs this
    Python on provider.py) and a CLI config whose ``dev_overrides`` points ``hashicorp/aws`` at
    it, and sets ``TF_CLI_CONFIG_FILE``, ``TF_IN_AUTOMATION``, ``CHECKPOINT_DISABLE``, ``TF_INPUT``
    and ``PLANGATE_STUB_STATE`` (where ``stub_data`` puts data-source answers).
    """
    root = Path(tmp_dir).resolve() / "tfstub"
    plugins = root / "plugins"
    state = root / "state"
    plugins.mkdir(parents=True, exist_ok=True)
    state.mkdir(exist_ok=True)

    code = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        f"from {_PACKAGE_DIR.name}.provider import main; main()"
    )
    command = [sys.executable, "-c", code, str(_PACKAGE_DIR.parent)]
    launcher = plugins / "terraform-provider-aws"
    launcher.write_text(f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n')
    launcher.chmod(0o755)

    cli_config = root / "terraform.rc"
    cli_config.write_text(
        "provider_installation {\n"
        "  dev_overrides {\n"
        f'    "hashicorp/aws" = {json.dumps(str(plugins))}\n'
        "  }\n"
        "  direct {}\n"
        "}\n"
        "disable_checkpoint = true\n"
    )

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED_ENV and not k.startswith("TF_CLI_ARGS")
    }
    env.update(
        TF_CLI_CONFIG_FILE=str(cli_config),
        TF_IN_AUTOMATION="1",
        CHECKPOINT_DISABLE="1",
        TF_INPUT="0",
        PLANGATE_STUB_STATE=str(state),
    )
    return env


def stub_data(env: dict[str, str], type_name: str, key: str, values: dict[str, object]) -> None:
    """Make data source ``type_name`` answer with ``values`` (merged over its default answer).

    ``key`` is the data source's ``name`` argument (``aws_dynamodb_table``) or ``"default"``
    (``aws_vpc`` without ``id``, ``aws_subnets``). Values are given as Terraform would print them.
    """
    path = Path(env["PLANGATE_STUB_STATE"]) / "data" / type_name / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))


def local_backend_override(workdir: Path) -> None:
    """Write ``backend_override.tf`` so the configuration uses local state (see module docs)."""
    (Path(workdir) / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')


def terraform(
    workdir: Path, env: dict[str, str], *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform ARGS`` in ``workdir``; raise RuntimeError with its stderr when it fails."""
    binary = terraform_binary()
    if binary is None:
        raise RuntimeError(
            "terraform is not on PATH (set PLANGATE_TERRAFORM to use another binary)"
        )
    cmd = [binary, *args]
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=_TIMEOUT, check=False
    )
    if check and proc.returncode != 0:
        raise RuntimeError(_failure(cmd, proc))
    return proc


def init(workdir: Path, env: dict[str, str], *, backend: bool = False) -> None:
    """``terraform init`` (with ``-backend=false`` unless ``backend``): installs local modules.

    Under ``dev_overrides`` init still asks the registry about ``hashicorp/aws`` and exits 1
    after modules (and the backend) are set up; that one failure is expected and ignored. Any
    other error (a missing module, another provider that cannot be installed offline, a bad
    backend block) raises RuntimeError.
    """
    args = ["init", "-input=false", "-no-color"]
    if not backend:
        args.append("-backend=false")
    proc = terraform(workdir, env, *args, check=False)
    if proc.returncode == 0:
        return
    if _only_overridden_provider_errors(proc.stderr) and _modules_installed(Path(workdir)):
        return
    raise RuntimeError(_failure(["terraform", *args], proc))


def plan(
    workdir: Path,
    env: dict[str, str],
    variables: dict[str, object] | None = None,
    out: str = "tfplan",
) -> tuple[dict, Path]:
    """``terraform plan -out=OUT`` then ``terraform show -json OUT``: (plan JSON, plan file).

    Variables are passed as ``-var name=value``; values that are not strings are JSON-encoded,
    which Terraform reads as HCL (lists, maps, numbers, bools, null).
    """
    args = ["plan", "-input=false", "-no-color", f"-out={out}"]
    for name, value in (variables or {}).items():
        args += ["-var", f"{name}={value if isinstance(value, str) else json.dumps(value)}"]
    terraform(workdir, env, *args)
    planfile = Path(workdir) / out
    return show(workdir, env, planfile), planfile


def show(workdir: Path, env: dict[str, str], planfile: Path) -> dict:
    """``terraform show -json PLANFILE``, parsed."""
    return json.loads(terraform(workdir, env, "show", "-json", "-no-color", str(planfile)).stdout)


def apply(workdir: Path, env: dict[str, str], planfile: Path) -> None:
    """``terraform apply PLANFILE``: writes local state, so the next plan has a prior_state."""
    terraform(workdir, env, "apply", "-input=false", "-no-color", "-auto-approve", str(planfile))


# --------------------------------------------------------------------------- internals

_PROVIDER_MENTION = re.compile(r"provider\s+(?:registry\.terraform\.io/)?([\w.-]+/[\w.-]+)")


def _only_overridden_provider_errors(stderr: str) -> bool:
    """True when every error is the registry lookup for the overridden hashicorp/aws."""
    errors = [
        chunk for chunk in re.split(r"^Error: ", stderr, flags=re.MULTILINE)[1:] if chunk.strip()
    ]
    if not errors:
        return False
    for text in errors:
        summary = text.splitlines()[0].strip()
        if summary not in (
            "Failed to query available provider packages",
            "Failed to resolve provider packages",
        ):
            return False
        if set(_PROVIDER_MENTION.findall(text)) != {"hashicorp/aws"}:
            return False
    return True


_MODULE_BLOCK = re.compile(r'^\s*module\s+"', re.MULTILINE)


def _modules_installed(workdir: Path) -> bool:
    has_modules = any(
        _MODULE_BLOCK.search(p.read_text(errors="replace")) for p in workdir.glob("*.tf")
    )
    return not has_modules or (workdir / ".terraform" / "modules" / "modules.json").is_file()


def _failure(cmd: list[str], proc: subprocess.CompletedProcess[str]) -> str:
    detail = proc.stderr.strip() or proc.stdout.strip()[-4000:]
    return f"{' '.join(cmd[:2])} failed (exit {proc.returncode}):\n{detail}"
