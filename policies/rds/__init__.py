"""The RDS pack: keep databases off the internet. It has no settings of its own.

Its own helpers: `_common` (a database's links, port, open ingress and public subnets).
"""

from plangate import Pack

pack = Pack(name="rds")
