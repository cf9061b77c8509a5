"""ACME's plangate policy pack: one policy per module, ids prefixed ACME-.

plangate finds the policies by importing this package's modules (entry point
`plangate.policies` → `acme`); this file stays empty so loading the pack costs nothing
beyond the policy modules themselves.
"""
