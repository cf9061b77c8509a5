"""The lock-table shape on plans written by the real terraform binary (stub aws provider):
a table keyed by `LockID` alone is a lock table, one that also has a range key is not
(the S3 backend reads and writes lock items by `LockID` alone)."""

from __future__ import annotations

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate import Plan
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend.lock_table_protection import lock_table_protection
from plangate.testing import run_policy

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

CONFIG = """
resource "aws_dynamodb_table" "locks" {
  name         = "tf-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}
resource "aws_dynamodb_table" "leases" {
  name         = "leases"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  range_key    = "Holder"
  attribute {
    name = "LockID"
    type = "S"
  }
  attribute {
    name = "Holder"
    type = "S"
  }
}
data "aws_dynamodb_table" "shared_locks" {
  name = "shared-locks"
}
data "aws_dynamodb_table" "shared_leases" {
  name = "shared-leases"
}
"""


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    work = tmp_path_factory.mktemp("lock_shape")
    (work / "main.tf").write_text(CONFIG)
    env = tfstub.stub_env(tmp_path_factory.mktemp("env"))
    # Both data sources answer with the LockID (S) hash key; this one has a range key too.
    tfstub.stub_data(
        env,
        "aws_dynamodb_table",
        "shared-leases",
        {
            "range_key": "Holder",
            "attribute": [{"name": "LockID", "type": "S"}, {"name": "Holder", "type": "S"}],
        },
    )
    first, planfile = tfstub.plan(work, env, {})
    tfstub.apply(work, env, planfile)
    second, _ = tfstub.plan(work, env, {})
    return {"first": Plan(first), "after apply": Plan(second)}


@pytest.mark.parametrize("which", ["first", "after apply"])
def test_a_table_keyed_by_lock_id_alone_is_the_lock_table_one_with_a_range_key_is_not(plans, which):
    backend = state_backend(plans[which])
    assert sorted(t.name for t in backend.lock_tables) == ["shared-locks", "tf-locks"]


@pytest.mark.parametrize("which", ["first", "after apply"])
def test_a_table_with_a_range_key_gets_no_lock_table_finding(plans, which):
    found = run_policy(lock_table_protection, plans[which])
    assert {f.address for f in found} == {"aws_dynamodb_table.locks"}
