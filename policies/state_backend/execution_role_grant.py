"""PG-STATE-002: ECS task execution roles must not be granted access to the state backend."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Enforcement, Finding, PackSettings, Plan, Severity, policy
from plangate.policies.state_backend._grants import backend_grants, grant_finding


@policy(
    id="PG-STATE-002",
    title="ECS task execution role must not be granted access to the state backend",
    severity=Severity.HIGH,
    tags=("state-backend", "iam"),
    enforcement=Enforcement.HARD_MANDATORY,
)
def execution_role_grant(plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    The same grants as PG-STATE-001 (DynamoDB actions on the Terraform lock table, object
    actions and `s3:ListBucket` on the state bucket, through inline, attached and AWS
    managed policies, wildcards, `NotAction`/`NotResource`, after explicit Denies), for
    roles used only as an ECS task definition's `execution_role_arn` (or a Batch job's
    `executionRoleArn`).

    ## Why it matters
    The execution role is used by the ECS agent, not by the application code, so the
    exposure is smaller than a task role's; but anyone who can register a task definition
    with it, or read its credentials on an EC2 container instance, gets the state
    backend. It needs ECR, CloudWatch Logs and the task's secrets, nothing more.

    ## How to fix
    Remove the statement (or the attached managed policy) that reaches the lock table or
    state bucket; keep `AmazonECSTaskExecutionRolePolicy` and grants on the task's own
    secrets and parameters.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    - https://developer.hashicorp.com/terraform/language/backend/s3#permissions-required
    """
    for found in backend_grants(plan, settings):
        if found.execution_only:
            yield grant_finding(found, plan)
