"""PG-RDS-003: databases left in the VPC's default security group."""

from __future__ import annotations

from plangate.policies.rds.default_security_group import rds_default_security_group
from plangate.testing import refs, run_policy, summarise


def test_an_empty_group_list_is_flagged(b):
    b.add("aws_db_instance.main", {"vpc_security_group_ids": []}, action="no-op")
    findings = run_policy(rds_default_security_group, b)
    assert summarise(findings) == [
        ("PG-RDS-003", "aws_db_instance.main", "vpc_security_group_ids", "certain")
    ]
    assert "default security group" in findings[0].message
    assert findings[0].new is False


def test_a_new_instance_that_sets_no_groups_is_flagged(b):
    b.add("aws_db_instance.main", {"engine": "postgres"}, unknown=["vpc_security_group_ids"])
    findings = run_policy(rds_default_security_group, b)
    assert summarise(findings) == [
        ("PG-RDS-003", "aws_db_instance.main", "vpc_security_group_ids", "certain")
    ]
    assert "is not set" in findings[0].message and findings[0].new is True


def test_an_aurora_cluster_without_groups_is_flagged(b):
    b.add("aws_rds_cluster.main", {"vpc_security_group_ids": None}, action="update")
    assert summarise(run_policy(rds_default_security_group, b)) == [
        ("PG-RDS-003", "aws_rds_cluster.main", "vpc_security_group_ids", "certain")
    ]


def test_groups_set_by_reference_are_not_flagged(b):
    b.add(
        "aws_db_instance.main",
        {},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    assert run_policy(rds_default_security_group, b) == []


def test_groups_known_only_after_apply_give_no_finding(b):
    b.add(
        "aws_db_instance.main",
        {},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("local.groups")},
    )
    assert run_policy(rds_default_security_group, b) == []


def test_a_known_group_passes(b):
    b.add("aws_db_instance.main", {"vpc_security_group_ids": ["sg-0db"]}, action="no-op")
    assert run_policy(rds_default_security_group, b) == []
