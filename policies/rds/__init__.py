"""The RDS pack: keep databases off the internet.

Its own helpers: `_common` (a database's links, port, open ingress and public subnets).
"""
