"""The release, in one place: the package metadata reads it at build time
(pyproject.toml), and `plangate --version` and every report read it here, without the
cost of `importlib.metadata` at start-up."""

VERSION = "0.1.0"
