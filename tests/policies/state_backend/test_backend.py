"""How plangate finds the state backend: named targets, shape, links and text matching."""

from __future__ import annotations

import random
import re
import time
from typing import Any

from plangate import Plan
from plangate.policies.state_backend import pack
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend._links import labelled_strings, links_to_backend
from plangate.policies.state_backend._targets import BUCKET, LOCK_TABLE, SHAPE_SOURCE, StateBackend
from plangate.testing import PlanBuilder, pack_settings, refs

LOCK_TABLE_NAME = "terraform-state-lock"
ACCOUNT = "123456789012"


def lock_table(name: str | None = LOCK_TABLE_NAME, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "hash_key": "LockID",
        "billing_mode": "PAY_PER_REQUEST",
        "attribute": [{"name": "LockID", "type": "S"}],
        **extra,
    }
    if name is not None:
        values["name"] = name
    return values


def backend_of(
    builder: PlanBuilder, *, tables: tuple[str, ...] = (), buckets: tuple[str, ...] = ()
) -> tuple[Plan, StateBackend]:
    plan = builder.build()
    settings = pack_settings(
        pack, backend=builder.backend, lock_tables=tables, state_buckets=buckets
    )
    return plan, state_backend(plan, settings)


def describe(backend: StateBackend) -> list[tuple[str, str | None, str | None, str, str | None]]:
    return [(t.kind, t.name, t.arn, t.source, t.address) for t in backend.all()]


# -- identification ----------------------------------------------------------------------


def test_table_named_on_the_command_line_is_linked_to_its_resource_in_a_module_with_count():
    b = PlanBuilder().add(
        "module.state.aws_dynamodb_table.lock[0]", lock_table(), unknown=["arn", "id", "stream_arn"]
    )
    _, backend = backend_of(b, tables=(LOCK_TABLE_NAME,))
    assert describe(backend) == [
        (
            LOCK_TABLE,
            LOCK_TABLE_NAME,
            None,
            "--lock-table",
            "module.state.aws_dynamodb_table.lock[0]",
        )
    ]


def test_table_named_only_by_the_init_recorded_backend_is_a_target():
    b = PlanBuilder().with_backend(
        "s3",
        bucket="acme-state",
        dynamodb_table="locks",
        key="app/terraform.tfstate",
        region="eu-west-1",
    )
    _, backend = backend_of(b)
    assert describe(backend) == [
        (LOCK_TABLE, "locks", None, "backend recorded in test", None),
        (BUCKET, "acme-state", "arn:aws:s3:::acme-state", "backend recorded in test", None),
    ]
    assert backend.state_keys == ["app/terraform.tfstate"]


def test_the_recorded_backend_of_another_type_names_no_target():
    b = PlanBuilder().with_backend("gcs", bucket="acme-state")
    _, backend = backend_of(b)
    assert describe(backend) == []


def test_table_identified_only_by_shape_is_a_target():
    b = PlanBuilder().add(
        'aws_dynamodb_table.lock["prod.eu-west-1"]', lock_table("tf-locks"), unknown=["arn"]
    )
    _, backend = backend_of(b)
    assert describe(backend) == [
        (LOCK_TABLE, "tf-locks", None, SHAPE_SOURCE, 'aws_dynamodb_table.lock["prod.eu-west-1"]')
    ]


def test_table_with_a_numeric_lock_id_or_another_hash_key_is_not_a_lock_table():
    b = (
        PlanBuilder()
        .add(
            "aws_dynamodb_table.numeric",
            {**lock_table("a"), "attribute": [{"name": "LockID", "type": "N"}]},
        )
        .add(
            "aws_dynamodb_table.orders",
            {
                **lock_table("orders"),
                "hash_key": "OrderID",
                "attribute": [{"name": "OrderID", "type": "S"}],
            },
        )
    )
    _, backend = backend_of(b)
    assert backend.all() == []
    assert not backend


def test_a_lock_id_table_with_a_range_key_is_not_a_lock_table():
    """The S3 backend reads and writes lock items by LockID alone; such a table would
    reject every one of them, so it cannot be Terraform's lock table."""
    ranged = {
        "range_key": "Holder",
        "attribute": [{"name": "LockID", "type": "S"}, {"name": "Holder", "type": "S"}],
    }
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.leases", lock_table("leases", **ranged))
        .add("aws_dynamodb_table.gone", action="delete", before=lock_table("gone", **ranged))
        .prior("data.aws_dynamodb_table.shared", lock_table("shared-leases", **ranged))
        .add("aws_dynamodb_table.plain", lock_table("plain", range_key=None))
        .add("aws_dynamodb_table.read", lock_table("read", range_key=""))
    )
    _, backend = backend_of(b)
    assert [t.name for t in backend.lock_tables] == ["plain", "read"]


def test_a_range_key_known_only_after_apply_keeps_the_table_a_lock_table():
    b = PlanBuilder().add(
        "aws_dynamodb_table.lock",
        lock_table("locks"),
        unknown=["range_key"],
        expressions={"range_key": refs("var.range_key")},
    )
    _, backend = backend_of(b)
    assert [t.name for t in backend.lock_tables] == ["locks"]


def test_a_replaced_table_is_judged_by_its_prior_shape_range_key_included():
    reshaped = {"hash_key": "Id", "attribute": [{"name": "Id", "type": "S"}]}
    b = (
        PlanBuilder()
        .add(
            "aws_dynamodb_table.ranged",
            lock_table("ranged", **reshaped),
            action="replace",
            before=lock_table("ranged", range_key="Holder"),
        )
        .add(
            "aws_dynamodb_table.plain",
            lock_table("plain", **reshaped),
            action="replace",
            before=lock_table("plain", range_key=None),
        )
    )
    plan, backend = backend_of(b)
    prior = {
        a: backend.target_for_prior(plan.by_address[f"aws_dynamodb_table.{a}"])
        for a in ("ranged", "plain")
    }
    assert prior["ranged"] is None
    assert prior["plain"] is not None and prior["plain"].name == "plain"


def test_table_being_deleted_is_identified_by_its_prior_shape():
    b = PlanBuilder().add(
        "module.state.aws_dynamodb_table.lock[0]",
        action="delete",
        before=lock_table(arn="arn:aws:dynamodb:us-east-1:1:table/x"),
    )
    _, backend = backend_of(b)
    target = backend.lock_tables[0]
    assert (target.address, target.arn) == (
        "module.state.aws_dynamodb_table.lock[0]",
        "arn:aws:dynamodb:us-east-1:1:table/x",
    )


def test_lock_shaped_table_read_by_a_data_source_is_a_target_without_a_resource():
    b = PlanBuilder().prior(
        "data.aws_dynamodb_table.lock",
        {**lock_table("shared-locks"), "arn": "arn:aws:dynamodb:us-east-1:1:table/shared-locks"},
    )
    _, backend = backend_of(b)
    assert describe(backend) == [
        (
            LOCK_TABLE,
            "shared-locks",
            "arn:aws:dynamodb:us-east-1:1:table/shared-locks",
            f"{SHAPE_SOURCE}, read by data.aws_dynamodb_table.lock",
            None,
        )
    ]


def test_named_table_gets_an_arn_built_from_region_and_caller_identity():
    b = (
        PlanBuilder()
        .prior("data.aws_region.current", {"name": "eu-central-1"})
        .prior(
            "data.aws_caller_identity.current",
            {"account_id": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci"},
        )
    )
    _, backend = backend_of(b, tables=(LOCK_TABLE_NAME,))
    assert backend.lock_tables[0].arn == (
        f"arn:aws:dynamodb:eu-central-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}"
    )


def test_named_table_without_a_known_account_has_only_a_wildcard_arn_pattern():
    _, backend = backend_of(PlanBuilder(), tables=(LOCK_TABLE_NAME,))
    target = backend.lock_tables[0]
    assert target.arn is None
    assert target.arn_pattern == f"arn:*:dynamodb:*:*:table/{LOCK_TABLE_NAME}"
    assert target.matches_arn(f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}")


def test_table_given_as_an_arn_on_the_command_line_is_split_into_name_and_arn():
    arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}"
    _, backend = backend_of(PlanBuilder(), tables=(arn,))
    assert (backend.lock_tables[0].name, backend.lock_tables[0].arn) == (LOCK_TABLE_NAME, arn)


def test_state_bucket_is_linked_to_its_bucket_resource_by_name():
    b = PlanBuilder().add(
        "module.state.aws_s3_bucket.state", {"bucket": "acme-state"}, unknown=["arn", "id"]
    )
    _, backend = backend_of(b, buckets=("acme-state",))
    assert backend.state_buckets[0].address == "module.state.aws_s3_bucket.state"


def test_the_result_is_computed_once_per_plan_and_equal_settings():
    plan = PlanBuilder().add("aws_dynamodb_table.lock", lock_table()).build()
    named = pack_settings(pack, lock_tables=["locks-x"])
    assert state_backend(plan, named) is state_backend(
        plan, pack_settings(pack, lock_tables=["locks-x"])
    )
    assert state_backend(plan, pack_settings(pack)) is not state_backend(plan, named)


# -- matching ------------------------------------------------------------------------------


def test_similar_but_different_names_do_not_match_text():
    _, backend = backend_of(PlanBuilder(), tables=(LOCK_TABLE_NAME,), buckets=("acme-state",))
    for text in (
        "terraform-state-lock-2",
        "my-terraform-state-lock",
        "terraform-state-lock.v2",
        "old.terraform-state-lock",
        "Terraform-State-Lock",
        "acme-state-logs",
    ):
        assert backend.matches_text(text) is None, text


def test_names_and_arns_match_text_as_whole_words():
    _, backend = backend_of(PlanBuilder(), tables=(LOCK_TABLE_NAME,), buckets=("acme-state",))
    for text, name in (
        (LOCK_TABLE_NAME, LOCK_TABLE_NAME),
        (
            f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}/stream/2024",
            LOCK_TABLE_NAME,
        ),
        (f'{{"name":"LOCK","value":"{LOCK_TABLE_NAME}"}}', LOCK_TABLE_NAME),
        ("s3://acme-state/app/terraform.tfstate", "acme-state"),
        ("https://acme-state.s3.amazonaws.com/key", "acme-state"),
    ):
        target = backend.matches_text(text)
        assert target is not None and target.name == name, text


def _regex_oracle(targets: list[Any]) -> list[tuple[re.Pattern[str], Any]]:
    """How text was matched before: one expression per target, name or ARN as a whole
    word (a dot ends it unless a name follows, S3 host names excepted)."""
    name_char = r"A-Za-z0-9_\-"
    before = rf"(?<![{name_char}.])"
    after = rf"(?![{name_char}])(?!\.(?!s3[.\-])[{name_char}])"
    found = []
    for target in targets:
        words = sorted((w for w in (target.name, target.arn) if w), key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        found.append((re.compile(f"{before}(?:{alternatives}){after}"), target))
    return found


def test_text_matching_finds_what_a_whole_word_expression_per_target_finds():
    names = ("lock", "lock.v2", "lock.", "a.b.c", "state.s3", "x_y-z", ".hidden")
    _, backend = backend_of(PlanBuilder(), tables=names, buckets=("acme-state", "my.bucket"))
    oracle = _regex_oracle(backend.all())
    pieces = [
        *names,
        "acme-state",
        "my.bucket",
        ".",
        "..",
        "-",
        "_",
        "/",
        ":",
        " ",
        "s3",
        "s3.",
        "s3-",
        "x",
        "arn:aws:dynamodb:us-east-1:1:table/",
        "\n",
        "é",
    ]
    rng = random.Random(8)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(5000)]
    for text in texts:
        expected = [t for p, t in oracle if p.search(text)]
        assert backend.find_in_text(text) == expected, text
        assert backend.matches_text(text) == (expected[0] if expected else None), text


def test_text_matching_with_a_few_targets_finds_what_the_expressions_find():
    # A few targets take the substring pre-check (a text naming none of their words
    # is answered without cutting it into runs): it must find what the runs find.
    names = ("lock", "lock.v2", "x_y-z")
    _, backend = backend_of(PlanBuilder(), tables=names, buckets=("my.bucket",))
    oracle = _regex_oracle(backend.all())
    pieces = [*names, "my.bucket", ".", "-", "/", " ", "s3.", "s3-", "x", "loc", "k", "\n"]
    pieces.append("arn:aws:dynamodb:us-east-1:1:table/")
    rng = random.Random(12)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))) for _ in range(5000)]
    assert sum(1 for text in texts if any(p.search(text) for p, _ in oracle)) > 500
    for text in texts:
        expected = [t for p, t in oracle if p.search(text)]
        assert backend.find_in_text(text) == expected, text


def test_hundreds_of_lock_tables_are_found_in_long_texts_at_once():
    # One expression per target over every text: 400 lock-shaped tables and 400 task
    # definitions with 30 KB of environment (a 24 MB plan) took 159 s.
    names = tuple(f"lock-{n}" for n in range(400))
    _, backend = backend_of(PlanBuilder(), tables=names)
    text = "x " * 500_000 + "lock-399 lock-7."
    started = time.perf_counter()
    found = backend.find_in_text(text)
    assert time.perf_counter() - started < 2.0
    assert [t.name for t in found] == ["lock-7", "lock-399"]


def test_target_for_resource_finds_data_sources_by_name_and_ignores_other_tables():
    plan, backend = backend_of(
        PlanBuilder()
        .add("aws_dynamodb_table.orders", {"name": "orders", "hash_key": "id"})
        .add("aws_dynamodb_table.near", {"name": f"{LOCK_TABLE_NAME}-2", "hash_key": "id"})
        .prior("data.aws_dynamodb_table.lock", {"name": LOCK_TABLE_NAME}),
        tables=(LOCK_TABLE_NAME,),
    )
    assert backend.target_for_resource(plan.by_address["aws_dynamodb_table.orders"]) is None
    assert backend.target_for_resource(plan.by_address["aws_dynamodb_table.near"]) is None
    data = plan.prior_by_address["data.aws_dynamodb_table.lock"]
    assert backend.target_for_resource(data) is backend.lock_tables[0]


def test_target_for_identifier_accepts_the_table_stream_arn_but_not_a_kinesis_stream():
    _, backend = backend_of(PlanBuilder(), tables=(LOCK_TABLE_NAME,))
    stream = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}/stream/2024-01-01"
    assert backend.target_for_identifier(stream) is backend.lock_tables[0]
    kinesis = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{LOCK_TABLE_NAME}"
    assert backend.target_for_identifier(kinesis) is None


# -- links through configuration -------------------------------------------------------------


def test_unknown_value_links_to_the_lock_table_through_module_outputs_and_variables():
    b = (
        PlanBuilder()
        .add("module.state.aws_dynamodb_table.lock[0]", lock_table(), unknown=["arn", "stream_arn"])
        .add(
            "module.app.aws_lambda_event_source_mapping.audit[0]",
            {"starting_position": "LATEST"},
            unknown=["event_source_arn"],
            expressions={"event_source_arn": refs("var.stream_arn")},
        )
        .module_call("module.state", outputs={"stream_arn": refs("aws_dynamodb_table.lock")})
        .module_call("module.app", inputs={"stream_arn": refs("module.state.stream_arn")})
    )
    plan, backend = backend_of(b)
    mapping = plan.by_address["module.app.aws_lambda_event_source_mapping.audit[0]"]
    [link] = links_to_backend(plan, backend, mapping, "event_source_arn", exact=True)
    assert link.by_reference and link.target is backend.lock_tables[0]
    assert "module.state.aws_dynamodb_table.lock[0]" in link.how


def test_reference_to_a_non_identifying_attribute_of_the_table_is_not_a_link():
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.lock", lock_table())
        .add(
            "aws_lambda_function.f",
            {"environment": [{"variables": {}}]},
            unknown=["environment"],
            expressions={
                "environment": [{"variables": refs("aws_dynamodb_table.lock.billing_mode")}]
            },
        )
    )
    plan, backend = backend_of(b)
    function = plan.by_address["aws_lambda_function.f"]
    assert links_to_backend(plan, backend, function, "environment.0.variables") == []


def test_labelled_strings_name_container_variables_secrets_and_commands():
    definitions = (
        '[{"name":"api","image":"x","environment":[{"name":"LOCK","value":"t"}],'
        '"secrets":[{"name":"S","valueFrom":"arn:p"}],"command":["run","--x"]}]'
    )
    assert list(labelled_strings(definitions, parse_json=True)) == [
        ('name of container "api"', "api"),
        ('image of container "api"', "x"),
        ('environment variable LOCK of container "api"', "t"),
        ('secret S of container "api"', "arn:p"),
        ('command[0] of container "api"', "run"),
        ('command[1] of container "api"', "--x"),
    ]


def test_table_named_by_the_backend_gets_the_backend_region_over_the_provider_region():
    b = (
        PlanBuilder()
        .with_backend("s3", dynamodb_table="locks", region="us-west-2")
        .prior("data.aws_region.current", {"name": "eu-central-1"})
        .prior("data.aws_caller_identity.current", {"account_id": ACCOUNT})
    )
    _, backend = backend_of(b)
    target = backend.lock_tables[0]
    assert target.arn == f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/locks"
    # a built ARN guesses the region, so another region of the same account still matches
    assert target.arn_built
    assert target.matches_arn(f"arn:aws:dynamodb:eu-central-1:{ACCOUNT}:table/locks")
    assert not target.matches_arn("arn:aws:dynamodb:us-west-2:999999999999:table/locks")


def test_a_known_table_arn_matches_only_its_own_region_and_account():
    arn = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{LOCK_TABLE_NAME}"
    b = PlanBuilder().add("aws_dynamodb_table.lock", lock_table(arn=arn), action="no-op")
    _, backend = backend_of(b)
    target = backend.lock_tables[0]
    assert (target.arn, target.arn_built) == (arn, False)
    assert target.matches_arn(f"{arn}/index/by-owner")
    assert not target.matches_arn(arn.replace("us-east-1", "eu-west-1"))


def test_china_region_builds_arns_in_the_aws_cn_partition():
    b = PlanBuilder().with_backend("s3", bucket="state-cn", region="cn-north-1")
    _, backend = backend_of(b)
    assert backend.state_buckets[0].arn == "arn:aws-cn:s3:::state-cn"


def test_the_report_inventory_names_a_table_found_by_shape_and_says_how():
    from plangate.policies.state_backend.inventory import backend_targets

    builder = PlanBuilder()
    builder.add(
        "module.state.aws_dynamodb_table.lock",
        {"name": "tf-locks", "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]},
        unknown=["arn"],
    )
    settings = pack_settings(pack, state_buckets=["acme-state"])
    rows = backend_targets(plan=builder.build(), settings=settings)
    assert {"kind": "state_bucket", "name": "acme-state", "source": "--state-bucket"} in rows
    [table] = [r for r in rows if r["kind"] == "lock_table"]
    assert table["name"] == "tf-locks" and "LockID" in table["source"]
