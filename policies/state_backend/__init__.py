"""The state-backend pack: keep the lock table and state bucket off the application's path.

Its own helpers: `_targets` and `_backend` (which resources are the backend), `_links`
(where a resource names it), `_attachments`, `_grants` and `_resource_policies` (what
the application's principals may do to it).
"""
