"""ACME-GCS-001 and the `acme_public_buckets` section, through plangate's test kit: the
builder stamps each resource with the provider its type prefix names (`google_…` →
hashicorp/google), and the pack's settings are given as on the command line."""

from acme_plangate_policies import pack
from acme_plangate_policies.gcs_public_bucket import gcs_public_bucket
from acme_plangate_policies.inventory import public_buckets
from plangate.testing import pack_settings, refs, summarise

GRANT = "google_storage_bucket_iam_member.public"


def _site(builder, member="allUsers", bucket="acme-site"):
    builder.add(
        GRANT,
        {"bucket": bucket, "role": "roles/storage.objectViewer", "member": member},
        unknown=["etag", "id"],
    )
    return builder


def _first_plan(builder, name="acme-site"):
    """A bucket and its grant created together: the grant's bucket is known only after
    apply, and found through its expression."""
    builder.add("google_storage_bucket.site", {"name": name, "location": "EU"}, unknown=["id"])
    builder.add(
        GRANT,
        {"role": "roles/storage.objectViewer", "member": "allUsers"},
        unknown=["bucket", "etag", "id"],
        expressions={"bucket": refs("google_storage_bucket.site.name")},
    )
    return builder


def test_the_kit_gives_google_resources_the_google_provider(plan_builder):
    [change] = _site(plan_builder).to_dict()["resource_changes"]
    assert change["provider_name"] == "registry.terraform.io/hashicorp/google"


def test_a_bucket_granted_to_all_users_is_reported(plan_builder, run_policy):
    findings = run_policy(gcs_public_bucket, _site(plan_builder))
    assert summarise(findings) == [("ACME-GCS-001", GRANT, "member", "certain")]
    assert "'acme-site'" in findings[0].message


def test_a_bucket_the_operator_allows_passes(plan_builder, run_policy):
    assert run_policy(gcs_public_bucket, _site(plan_builder), public_buckets=["acme-site"]) == []


def test_allowing_another_bucket_does_not_allow_this_one(plan_builder, run_policy):
    findings = run_policy(gcs_public_bucket, _site(plan_builder), public_buckets=["acme-www"])
    assert summarise(findings) == [("ACME-GCS-001", GRANT, "member", "certain")]


def test_the_b_slash_form_of_a_bucket_is_its_name(plan_builder, run_policy):
    builder = _site(plan_builder, bucket="b/acme-site")
    assert run_policy(gcs_public_bucket, builder, public_buckets=["acme-site"]) == []


def test_all_authenticated_users_in_a_binding_is_public(plan_builder, run_policy):
    plan_builder.add(
        "google_storage_bucket_iam_binding.readers",
        {
            "bucket": "acme-data",
            "role": "roles/storage.objectViewer",
            "members": ["group:data@acme.example", "allAuthenticatedUsers"],
        },
    )
    findings = run_policy(gcs_public_bucket, plan_builder)
    assert summarise(findings) == [
        ("ACME-GCS-001", "google_storage_bucket_iam_binding.readers", "members", "certain")
    ]


def test_a_grant_to_a_group_passes(plan_builder, run_policy):
    assert run_policy(gcs_public_bucket, _site(plan_builder, member="group:a@acme.example")) == []


def test_on_a_first_plan_the_bucket_is_found_through_the_grants_expression(
    plan_builder, run_policy
):
    findings = run_policy(gcs_public_bucket, _first_plan(plan_builder))
    assert summarise(findings) == [("ACME-GCS-001", GRANT, "member", "certain")]
    assert "'acme-site'" in findings[0].message
    assert run_policy(gcs_public_bucket, plan_builder, public_buckets=["acme-site"]) == []


def test_a_member_known_only_after_apply_may_be_public(plan_builder, run_policy):
    plan_builder.add(
        GRANT,
        {"bucket": "acme-data", "role": "roles/storage.objectViewer"},
        unknown=["member", "etag", "id"],
    )
    findings = run_policy(gcs_public_bucket, plan_builder)
    assert summarise(findings) == [("ACME-GCS-001", GRANT, "member", "possible")]


def test_the_section_says_who_allowed_each_public_bucket(plan_builder):
    _site(plan_builder)
    plan_builder.add(
        "google_storage_bucket_iam_member.data",
        {"bucket": "acme-data", "role": "roles/storage.admin", "member": "allUsers"},
    )
    settings = pack_settings(pack, public_buckets=["acme-site"])
    rows = public_buckets(plan=plan_builder.build(), settings=settings)
    assert sorted(rows, key=lambda r: r["bucket"]) == [
        {
            "bucket": "acme-data",
            "member": "allUsers",
            "grant": "google_storage_bucket_iam_member.data",
            "allowed_by": "nobody",
        },
        {
            "bucket": "acme-site",
            "member": "allUsers",
            "grant": GRANT,
            "allowed_by": "--acme-public-bucket",
        },
    ]
