"""The command line's grammar: the engine's flags, and the options packs add.

Packs add options (`plangate.Pack.options`), so `check` and `apply` are parsed twice:
first the few flags that say which packs load and how the gate is configured (`early`,
lenient about everything else), then, once the packs are loaded, the whole command line
with their options (`parser`). `plangate --version`, `--help` and `formats` never load a
pack.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from .errors import PlangateError
from .packs import FLAG, NAMES, OptionSpec

__all__ = ["SEVERITIES", "early", "pack_options", "parser"]

SEVERITIES = ("info", "low", "medium", "high", "critical")
# How `plangate map` prints (`plangate.map_output` draws each; named here so that building
# the command line imports none of the map code).
MAP_FORMATS = ("text", "json")
DESCRIPTION = (
    "Gate Terraform plans: keep the state backend off the application's data path and RDS "
    "off the internet."
)


def parser(
    version: str, options: Sequence[OptionSpec] = (), command: str | None = None
) -> argparse.ArgumentParser:
    """The whole command line, with the loaded packs' options on `check`, `apply` and `map`.

    `command`: the subcommand the run is for. Only its arguments are built; the others
    get their name and help line alone, so the usage, the list of commands and every
    error read as with the whole command line (building each subcommand's arguments
    costs more than parsing: argparse looks up translations for each parser it makes).
    """
    top = argparse.ArgumentParser(prog="plangate", description=DESCRIPTION)
    top.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    top.add_argument("--version", action="version", version=f"plangate {version}")
    sub = top.add_subparsers(dest="command", required=True)
    common = _common()
    for name, (help_text, build) in _SUBCOMMANDS.items():
        if command is None or name == command:
            build(_Subcommand(sub, name, help_text, common), options)
        else:  # never parsed: its name and help line for the usage and `--help`
            sub.add_parser(name, help=help_text, add_help=False, prog=f"plangate {name}")
    return top


class _Subcommand:
    """Where a subcommand's parser goes, its name and help line, and the flags every
    command shares."""

    __slots__ = ("common", "help", "name", "sub")

    def __init__(self, sub: Any, name: str, help: str, common: argparse.ArgumentParser) -> None:
        self.sub = sub  # argparse's subparsers action
        self.name = name
        self.help = help
        self.common = common

    def add(self, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = self.sub.add_parser(
            self.name, parents=list(parents), help=self.help
        )
        return made


def _gate_parser(at: _Subcommand, options: Sequence[OptionSpec]) -> argparse.ArgumentParser:
    """`check` and `apply`: the shared flags, the gate's, and the packs' options."""
    gate = _gate_flags(argparse.ArgumentParser(add_help=False))
    _add_pack_options(gate, options)
    return at.add(at.common, gate)


def _check(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    _gate_parser(at, options).add_argument(
        "plans",
        nargs="+",
        metavar="PLAN",
        help="`terraform show -json` output, '-' for stdin, or a binary plan file",
    )


def _apply(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    _gate_parser(at, options).add_argument(
        "tf_args", nargs=argparse.REMAINDER, help="arguments for `terraform plan` after --"
    )


def _map(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    mapping = _gate_flags(argparse.ArgumentParser(add_help=False), only_early=True)
    _map_flags(mapping)
    # A pack option that clashes with `check`'s output flags fails here too, as it did
    # when every subcommand was built: the packs load the same whichever command runs.
    _add_pack_options(mapping, options, also_taken=_output_flag_names())
    drawn = at.add(at.common, mapping)
    drawn.add_argument(
        "plans",
        nargs="+",
        metavar="PLAN",
        help="`terraform show -json` output, '-' for stdin, or a binary plan file",
    )


def _policies(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    at.add(at.common)


def _explain(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    at.add(at.common).add_argument("policy_id")


def _formats(at: _Subcommand, options: Sequence[OptionSpec]) -> None:
    at.add()


# Each subcommand, in the order `--help` lists them: its help line, and what builds it.
_SUBCOMMANDS: dict[str, tuple[str, Callable[[_Subcommand, Sequence[OptionSpec]], None]]] = {
    "check": ("check plan files", _check),
    "apply": ("local pre-apply gate: plan, check, and apply only on pass", _apply),
    "map": (
        "show why plans are safe: the invariants, what reaches each database and the state backend",
        _map,
    ),
    "policies": ("list policies", _policies),
    "explain": ("explain a policy", _explain),
    "formats": ("list output formats (built-in and installed)", _formats),
}


def early(argv: Sequence[str]) -> argparse.Namespace:
    """The flags that load packs and configure the gate, read before any pack is loaded;
    everything else is left for `parser`. A bad value here is the usage error the whole
    command line would give."""
    flags = _gate_flags(_common(add_help=False), only_early=True)
    found, _ = flags.parse_known_args(list(argv))
    return found


def pack_options(
    args: argparse.Namespace, options: Sequence[OptionSpec]
) -> dict[str, dict[str, tuple[str, Any]]]:
    """Per pack and setting, (flag, value) for each pack option given; a value the
    setting cannot hold (an empty name: an unset variable?) is a usage error."""
    found: dict[str, dict[str, tuple[str, Any]]] = {}
    for spec in options:
        given = getattr(args, _dest(spec), None)
        if given is None:
            continue
        try:
            value = spec.value(given)
        except ValueError as exc:
            raise PlangateError("usage", f"{spec.flag}: {exc}") from None
        into = found.setdefault(spec.pack, {})
        name = spec.setting.name
        if name not in into:
            into[name] = (spec.flag, value)
        elif spec.setting.kind == NAMES:  # two options for one list: both count
            flag, before = into[name]
            into[name] = (flag, (*before, *value))
    return found


def _common(add_help: bool = False) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=add_help, prog="plangate")
    common.add_argument(
        "--config",
        help="the operator's config file (default: $PLANGATE_CONFIG); a plangate.toml or "
        "[tool.plangate] in pyproject.toml found in the checkout may then only tighten "
        "the gate",
    )
    common.add_argument(
        "--policy-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="load policies from *.py files in DIR (repeatable)",
    )
    common.add_argument(
        "--no-entry-points",
        action="store_true",
        help="do not load installed third-party policy packs",
    )
    common.add_argument(
        "--chdir",
        metavar="DIR",
        help="Terraform working directory: where the repository's config is searched "
        "from, its .tf sources, the backend recorded by `terraform init`; default: "
        "current directory",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return common


def _gate_flags(
    flags: argparse.ArgumentParser, only_early: bool = False
) -> argparse.ArgumentParser:
    """What `check` and `apply` take besides `_common`; `only_early`: the flags that
    configure the gate, without the output and Terraform ones."""
    flags.add_argument(
        "--fail-on", choices=SEVERITIES, help="lowest severity that blocks (default: high)"
    )
    flags.add_argument(
        "--fail-on-possible",
        choices=(*SEVERITIES, "never"),
        help="lowest severity at which a finding that depends on unknown values "
        "blocks (default: high); 'never' only warns",
    )
    flags.add_argument(
        "--only-new",
        action="store_const",
        const=True,
        default=None,
        help="block only what this plan introduces: a violation already deployed is "
        "reported, not blocking (soft-mandatory policies; never hard-mandatory ones)",
    )
    flags.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="POLICY_ID",
        help="let this soft-mandatory policy's blocking findings through for this run "
        "(repeatable; needs --reason; every report shows it and who ran it)",
    )
    flags.add_argument(
        "--reason", metavar="TEXT", help="why the --override policies are let through"
    )
    flags.add_argument(
        "--source-root",
        metavar="DIR",
        help="the repository root: findings point at .tf files by paths relative to it, "
        "and never outside it (default: the nearest folder holding .git above --chdir)",
    )
    flags.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="end the run with exit 2 and an error report if it has not decided by then "
        "(default: $PLANGATE_TIMEOUT, else 300; a config file cannot change it)",
    )
    if not only_early:
        _output_flags(flags)
    return flags


def _output_flags(flags: argparse.ArgumentParser) -> None:
    """Where the report goes, and which binary shows a binary plan file."""
    flags.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="output format on stdout (default: text; `plangate formats` lists them)",
    )
    flags.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="FORMAT=PATH",
        help="also write FORMAT to PATH (repeatable)",
    )
    flags.add_argument(
        "--terraform-bin",
        metavar="PATH",
        help="terraform/tofu binary for binary plan files "
        "(default: $PLANGATE_TERRAFORM, then terraform or tofu on PATH)",
    )


def _map_flags(flags: argparse.ArgumentParser) -> None:
    flags.add_argument(
        "--format",
        default="text",
        choices=MAP_FORMATS,
        help="how to print the map (default: text)",
    )
    flags.add_argument(
        "--terraform-bin",
        metavar="PATH",
        help="terraform/tofu binary for binary plan files "
        "(default: $PLANGATE_TERRAFORM, then terraform or tofu on PATH)",
    )


def _add_pack_options(
    flags: argparse.ArgumentParser,
    options: Sequence[OptionSpec],
    also_taken: frozenset[str] = frozenset(),
) -> None:
    """Each pack's options in a group named after the pack. A flag that another pack or
    the engine already has is the pack's error: which one was meant cannot be told.
    `flags` holds the gate's flags only; the ones every command shares (`--config`,
    `--chdir`, ...) and `--help` are checked here, as argparse would only find the clash
    when it builds the subcommand, as a crash without a report."""
    shared = _shared_flags() | also_taken
    groups: dict[str, Any] = {}
    for spec in options:
        if spec.flag in shared:
            raise _taken(spec)
        group = groups.get(spec.pack)
        if group is None:
            group = groups[spec.pack] = flags.add_argument_group(f"pack {spec.pack}")
        kind = spec.setting.kind
        extra: dict[str, Any] = {"dest": _dest(spec), "default": None, "help": spec.help}
        if kind == FLAG:
            extra.update(action="store_const", const=True)
        else:
            extra.update(action="append" if kind == NAMES else "store", metavar=spec.metavar)
        try:
            group.add_argument(spec.flag, **extra)
        except argparse.ArgumentError:
            raise _taken(spec) from None


@cache
def _shared_flags() -> frozenset[str]:
    """The flags every command shares, `--help` included."""
    return frozenset(s for action in _common(add_help=True)._actions for s in action.option_strings)


@cache
def _output_flag_names() -> frozenset[str]:
    """The flags `check` and `apply` have for their output and `map` has not."""
    output = argparse.ArgumentParser(add_help=False)
    _output_flags(output)
    return frozenset(s for action in output._actions for s in action.option_strings)


def _taken(spec: OptionSpec) -> PlangateError:
    return PlangateError(
        "policy",
        f"pack {spec.pack}: option {spec.flag} is already an option of plangate or of "
        "another pack; rename it",
    )


def _dest(spec: OptionSpec) -> str:
    return f"pack.{spec.pack}.{spec.setting.name}"


def _seconds(text: str) -> float:
    from .time_limit import parse_seconds

    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
