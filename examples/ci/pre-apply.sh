#!/bin/sh
# Local pre-apply gate: use it instead of `terraform apply`.
#
# `plangate apply` runs `terraform plan -out=<tmp>` with the arguments after `--`, checks
# exactly that saved plan, and applies that same plan only when the check passes (exit
# 0), so what was checked is what gets applied. Blocked (1) or unable to check (2):
# nothing is applied and the exit code is passed on.
set -eu
cd "${1:-.}"
exec plangate apply -- -var-file=prod.tfvars
