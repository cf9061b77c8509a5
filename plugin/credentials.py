"""Names that say their value is a credential, where Terraform marks nothing.

Plans too old to carry sensitive markers, environment variables, tags: a value stored
under `DB_PASSWORD` or `apiKey` is withheld from every output (`plangate.redaction`)
whether or not Terraform marked it, and a change of such an attribute counts as
sensitive.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SECRET_NAME_PARTS", "looks_secret"]

# Parts of a name that say its value is a credential: in plans too old to carry sensitive
# markers, and wherever Terraform does not mark one (an environment variable, a tag).
# Written without separators: `looks_secret` compares names with theirs removed, so
# `DB_PASSWORD`, `dbPassword`, `db-password` and `api_key` / `apiKey` / `API-KEY` all match.
SECRET_NAME_PARTS = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "privatekey",
    "accesskey",
    "apikey",
    "authkey",
    "signingkey",
    "credential",
    "connectionstring",
)
# A last word that makes a credential-like name a reference or a setting about one: the
# secret's ARN, id or name, a KMS key id, a file path, a length or an age. Their values are
# not credentials, and withholding them would hide ARNs and ids that findings name.
_NOT_A_CREDENTIAL = frozenset(
    {
        "age",
        "arn",
        "arns",
        "count",
        "enabled",
        "file",
        "id",
        "ids",
        "length",
        "name",
        "names",
        "path",
        "policy",
        "rotation",
        "status",
        "ttl",
        "type",
        "uri",
        "url",
        "version",
    }
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORDS = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=8192)  # names repeat: attribute and variable names, environment keys
def looks_secret(name: str) -> bool:
    """Whether a name (a variable, an environment variable, a tag key) holds a credential:
    `DB_PASSWORD`, `dbPassword`, `db-password`, `API_KEY`, `apiKey`, `GITHUB_TOKEN`,
    `AWS_SECRET_ACCESS_KEY`; not `secret_arn`, `master_user_secret_kms_key_id`,
    `DB_PASSWORD_FILE`."""
    words = _WORDS.findall(_CAMEL.sub(r"\1_\2", name).lower())
    if len(words) > 1 and words[-1] in _NOT_A_CREDENTIAL:
        return False
    flat = "".join(words)
    return any(part in flat for part in SECRET_NAME_PARTS)
