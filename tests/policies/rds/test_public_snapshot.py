"""PG-RDS-005: DB snapshots shared with all AWS accounts."""

from __future__ import annotations

import pytest
from plangate.policies.rds.public_snapshot import rds_public_snapshot
from plangate.testing import refs, run_policy, summarise


@pytest.mark.parametrize(
    "address",
    [
        "aws_db_snapshot.manual",
        "aws_db_cluster_snapshot.manual",
        "aws_db_snapshot_copy.dr",
        "aws_rds_cluster_snapshot_copy.dr",
        "module.db.aws_db_snapshot.shared[0]",
    ],
)
def test_a_snapshot_shared_with_all_is_blocked(b, address):
    b.add(address, {"shared_accounts": ["123456789012", "all"]}, unknown=["arn"])
    findings = run_policy(rds_public_snapshot, b)
    assert summarise(findings) == [("PG-RDS-005", address, "shared_accounts", "certain")]
    assert '"all"' in findings[0].message and findings[0].new is True


def test_a_snapshot_shared_with_named_accounts_passes(b):
    b.add("aws_db_snapshot.manual", {"shared_accounts": ["123456789012"]})
    assert run_policy(rds_public_snapshot, b) == []


def test_a_snapshot_without_sharing_passes(b):
    b.add("aws_db_snapshot.manual", {"shared_accounts": None})
    b.add("aws_db_cluster_snapshot.manual", {"shared_accounts": []})
    assert run_policy(rds_public_snapshot, b) == []


def test_accounts_known_only_after_apply_are_a_possible_finding(b):
    b.add(
        "aws_db_snapshot.manual",
        {},
        unknown=["shared_accounts"],
        expressions={"shared_accounts": refs("var.accounts")},
    )
    assert summarise(run_policy(rds_public_snapshot, b)) == [
        ("PG-RDS-005", "aws_db_snapshot.manual", "shared_accounts", "possible")
    ]


def test_a_snapshot_that_was_already_public_is_blocked_but_not_new(b):
    b.add("aws_db_snapshot.manual", {"shared_accounts": ["all"]}, action="no-op")
    (found,) = run_policy(rds_public_snapshot, b)
    assert found.new is False
