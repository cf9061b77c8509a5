"""PG-RDS-001: publicly accessible RDS instances."""

from __future__ import annotations

from plangate.policies.rds.publicly_accessible import rds_publicly_accessible
from plangate.testing import refs, run_policy, summarise


def test_a_new_public_instance_is_blocked_as_new(b):
    b.add("aws_db_instance.main", {"engine": "postgres", "publicly_accessible": True})
    findings = run_policy(rds_publicly_accessible, b)
    assert summarise(findings) == [
        ("PG-RDS-001", "aws_db_instance.main", "publicly_accessible", "certain")
    ]
    assert findings[0].new is True
    assert "publicly_accessible = true" in findings[0].message


def test_a_private_instance_passes(b):
    b.add("aws_db_instance.main", {"engine": "postgres", "publicly_accessible": False})
    assert run_policy(rds_publicly_accessible, b) == []


def test_flipping_to_public_on_update_is_reported_as_new(b):
    b.add(
        "aws_db_instance.db[0]",
        {"publicly_accessible": True},
        action="update",
        before={"publicly_accessible": False},
    )
    (found,) = run_policy(rds_publicly_accessible, b)
    assert (found.address, found.new) == ("aws_db_instance.db[0]", True)


def test_an_instance_that_was_already_public_is_still_blocked_but_not_new(b):
    b.add('module.db["a.b"].aws_db_instance.this', {"publicly_accessible": True}, action="no-op")
    (found,) = run_policy(rds_publicly_accessible, b)
    assert (found.address, found.new) == ('module.db["a.b"].aws_db_instance.this', False)


def test_a_value_known_only_after_apply_is_a_possible_finding(b):
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["publicly_accessible"],
        expressions={"publicly_accessible": refs("var.public")},
    )
    assert summarise(run_policy(rds_publicly_accessible, b)) == [
        ("PG-RDS-001", "aws_db_instance.main", "publicly_accessible", "possible")
    ]


def test_a_cluster_instance_that_leaves_it_unset_passes(b):
    # optional and computed: a first plan shows it unknown; the provider creates it false
    b.add(
        "aws_rds_cluster_instance.main[0]",
        {"engine": "aurora-mysql"},
        unknown=["publicly_accessible", "port", "cluster_identifier"],
        expressions={"cluster_identifier": refs("aws_rds_cluster.main.id")},
    )
    assert run_policy(rds_publicly_accessible, b) == []


def test_a_public_multi_az_db_cluster_is_blocked(b):
    b.add(
        "aws_rds_cluster.main",
        {
            "engine": "postgres",
            "publicly_accessible": True,
            "db_cluster_instance_class": "db.m5d.large",
        },
        unknown=["id", "port"],
    )
    assert summarise(run_policy(rds_publicly_accessible, b)) == [
        ("PG-RDS-001", "aws_rds_cluster.main", "publicly_accessible", "certain")
    ]


def test_an_aurora_cluster_without_the_setting_passes(b):
    b.add(
        "aws_rds_cluster.main",
        {"engine": "aurora-postgresql"},
        unknown=["id", "port", "publicly_accessible"],
    )
    assert run_policy(rds_publicly_accessible, b) == []


def test_a_public_aurora_cluster_instance_is_blocked(b):
    b.add(
        "aws_rds_cluster_instance.main[1]",
        {"engine": "aurora-postgresql", "publicly_accessible": True},
    )
    assert summarise(run_policy(rds_publicly_accessible, b)) == [
        ("PG-RDS-001", "aws_rds_cluster_instance.main[1]", "publicly_accessible", "certain")
    ]


def test_deleting_a_public_instance_passes(b):
    b.add("aws_db_instance.main", None, action="delete", before={"publicly_accessible": True})
    assert run_policy(rds_publicly_accessible, b) == []


def test_making_a_public_instance_private_passes(b):
    b.add(
        "aws_db_instance.main",
        {"publicly_accessible": False},
        action="update",
        before={"publicly_accessible": True},
    )
    assert run_policy(rds_publicly_accessible, b) == []
