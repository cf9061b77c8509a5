"""PG-STATE-001: the application's roles must not be granted access to the state backend."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Enforcement, Finding, PackSettings, Plan, Severity, policy
from plangate.policies.state_backend._grants import backend_grants, grant_finding


@policy(
    id="PG-STATE-001",
    title="Application role must not be granted access to the lock table or state bucket",
    severity=Severity.CRITICAL,
    tags=("state-backend", "iam"),
    enforcement=Enforcement.HARD_MANDATORY,
)
def iam_grant(plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    Every role the application runs as (ECS task roles, Lambda, EC2 instance profiles and
    launch templates, App Runner, Batch, Step Functions, EKS pod identity and IRSA roles,
    any role whose trust policy lets such a service, or one of those roles, assume it, or
    trusts the account when one of those roles' own policies allow `sts:AssumeRole` on it)
    and every policy it carries: inline (`aws_iam_role_policy`, `inline_policy`),
    attached customer policies (`aws_iam_role_policy_attachment`,
    `aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive`,
    `managed_policy_arns`), and AWS managed policies such as AmazonDynamoDBFullAccess or
    AdministratorAccess (one plangate does not know is a possible grant of anything).
    It is flagged when a statement allows DynamoDB actions on the Terraform lock table,
    or object actions (and `s3:ListBucket`, or setting the bucket's policy, ACL,
    replication or lifecycle) on the state bucket, after explicit Denies,
    through wildcards, `NotAction` and `NotResource`. ECS task execution roles are
    PG-STATE-002.

    The lock table and state bucket come from `--lock-table`/`--state-bucket`, the config
    file, the backend recorded by `terraform init`, or a table shaped like a lock table
    (hash key `LockID` of type S, no range key). In a first plan the ARNs are unknown:
    the links are followed through the configuration's references, and a grant that
    depends on a value unknown at plan time is reported as `possible`.

    ## Why it matters
    Only the Terraform client should touch the state backend. An application that can
    write the lock table can break or forge Terraform's locks; one that can read the state
    bucket reads every secret the state holds. A bug or a compromised task then reaches
    the infrastructure's control plane.

    ## How to fix
    Scope the statement's `Resource` to the application's own tables and buckets (not
    `*`, not `table/*`), replace AWS managed policies with least-privilege ones, or add an
    explicit Deny on the lock table and state bucket ARNs. Keep the backend's access in
    the CI/deploy role only.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    """
    for found in backend_grants(plan, settings):
        if not found.execution_only:
            yield grant_finding(found, plan)
