"""ACME-S3-001, with the fixtures plangate's pytest plugin provides."""

from acme_plangate_policies.s3_public_access_block import s3_public_access_block
from plangate.testing import const, refs, summarise

ALL_ON = {
    "block_public_acls": True,
    "block_public_policy": True,
    "ignore_public_acls": True,
    "restrict_public_buckets": True,
}


def _new_bucket(builder, address, name):
    builder.add(address, {"bucket": name}, unknown=["id", "arn"])


def test_new_bucket_with_its_block_passes(plan_builder, run_policy):
    _new_bucket(plan_builder, "aws_s3_bucket.assets", "acme-assets")
    plan_builder.add(
        "aws_s3_bucket_public_access_block.assets",
        ALL_ON,
        unknown=["id", "bucket"],
        expressions={"bucket": refs("aws_s3_bucket.assets.id")},
    )
    assert run_policy(s3_public_access_block, plan_builder) == []


def test_bucket_without_a_block_is_reported(plan_builder, run_policy):
    _new_bucket(plan_builder, "aws_s3_bucket.assets", "acme-assets")
    findings = run_policy(s3_public_access_block, plan_builder)
    assert summarise(findings) == [("ACME-S3-001", "aws_s3_bucket.assets", "bucket", "certain")]
    assert "acme-assets" in findings[0].message


def test_block_with_a_setting_off_is_reported(plan_builder, run_policy):
    plan_builder.add(
        "aws_s3_bucket.assets", {"bucket": "acme-assets", "id": "acme-assets"}, action="no-op"
    )
    plan_builder.add(
        "aws_s3_bucket_public_access_block.assets",
        {**ALL_ON, "block_public_policy": False, "bucket": "acme-assets"},
        action="update",
        before={**ALL_ON, "bucket": "acme-assets"},
        expressions={"bucket": refs("aws_s3_bucket.assets.id")},
    )
    findings = run_policy(s3_public_access_block, plan_builder)
    assert summarise(findings) == [
        (
            "ACME-S3-001",
            "aws_s3_bucket_public_access_block.assets",
            "block_public_policy",
            "certain",
        )
    ]
    assert findings[0].new is True


def test_block_in_another_module_is_linked_through_module_variables(plan_builder, run_policy):
    _new_bucket(plan_builder, "module.storage.aws_s3_bucket.this", "acme-data")
    plan_builder.add(
        "module.guard.aws_s3_bucket_public_access_block.this",
        ALL_ON,
        unknown=["id", "bucket"],
        expressions={"bucket": refs("var.bucket_id")},
    )
    plan_builder.module_call("module.storage", outputs={"bucket_id": refs("aws_s3_bucket.this.id")})
    plan_builder.module_call("module.guard", inputs={"bucket_id": refs("module.storage.bucket_id")})
    assert run_policy(s3_public_access_block, plan_builder) == []


def test_each_for_each_bucket_needs_its_own_block(plan_builder, run_policy):
    for key in ("raw", "curated"):
        _new_bucket(plan_builder, f'aws_s3_bucket.data["{key}"]', f"acme-{key}")
    plan_builder.add(
        'aws_s3_bucket_public_access_block.data["raw"]',
        ALL_ON,
        unknown=["id", "bucket"],
        expressions={"bucket": refs("aws_s3_bucket.data", "each.key")},
    )
    assert summarise(run_policy(s3_public_access_block, plan_builder)) == [
        ("ACME-S3-001", 'aws_s3_bucket.data["curated"]', "bucket", "certain")
    ]


def test_account_wide_block_covers_every_bucket(plan_builder, run_policy):
    _new_bucket(plan_builder, "aws_s3_bucket.assets", "acme-assets")
    plan_builder.add(
        "aws_s3_account_public_access_block.this",
        ALL_ON,
        expressions={k: const(True) for k in ALL_ON},
    )
    assert run_policy(s3_public_access_block, plan_builder) == []


def test_block_whose_bucket_cannot_be_resolved_makes_findings_possible(plan_builder, run_policy):
    _new_bucket(plan_builder, "aws_s3_bucket.assets", "acme-assets")
    plan_builder.add(
        "aws_s3_bucket_public_access_block.assets",
        ALL_ON,
        unknown=["id", "bucket"],
        expressions={"bucket": refs("local.bucket_id")},
    )
    assert summarise(run_policy(s3_public_access_block, plan_builder)) == [
        ("ACME-S3-001", "aws_s3_bucket.assets", "bucket", "possible")
    ]


def test_deleted_bucket_is_not_checked(plan_builder, run_policy):
    plan_builder.add("aws_s3_bucket.old", {"bucket": "acme-old"}, action="delete")
    assert run_policy(s3_public_access_block, plan_builder) == []
