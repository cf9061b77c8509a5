"""What a run knows beyond the plans: each loaded pack's settings.

The engine names no pack concept here: a pack's settings (and what it reads of the
backend `terraform init` recorded) are the pack's, declared by its `plangate.Pack`. A
policy is handed its own pack's as `settings`; `context.pack(name)` reads any pack's.
Hashable, so a pack may key a per-plan memo on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .packs import PackSettings

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
class Context:
    """What every policy may ask for besides the plan: each loaded pack's settings."""

    packs: tuple[PackSettings, ...] = ()

    def pack(self, name: str) -> PackSettings:
        """That pack's settings (empty ones for a pack that is not loaded)."""
        return next((p for p in self.packs if p.pack == name), PackSettings(name))
