"""Tests of the stub hashicorp/aws provider and its terraform harness.

The end-to-end tests (marked ``e2e``) share one run of the real terraform binary over a small
configuration with modules and an s3 backend block: init, plan, apply, plan again (about 3 s).
The rest exercise the tables, the engine and the policy-document renderer in-process.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import shutil
import zlib
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

import tfstub  # the stub-provider harness, registered by tests/conftest.py

HERE = Path(__file__).resolve().parent


needs_terraform = pytest.mark.skipif(
    not tfstub.terraform_available(),
    reason="terraform binary not found on PATH (set PLANGATE_TERRAFORM to point at one)",
)

# --------------------------------------------------------------------------- end to end

ROOT_TF = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "app/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "tf-locks"
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "app_cidrs" {
  type = list(string)
}

module "network" {
  source    = "./modules/network"
  app_cidrs = var.app_cidrs
}

module "db" {
  source     = "./modules/db"
  subnet_ids = module.network.subnet_ids
  sg_id      = module.network.db_sg_id
}

data "aws_dynamodb_table" "lock" {
  name = "tf-locks"
}

data "aws_dynamodb_table" "orders" {
  name = "orders"
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [data.aws_dynamodb_table.lock.arn]
  }
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "task" {
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
"""

NETWORK_TF = """
variable "app_cidrs" {
  type = list(string)
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group_rule" "app" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = var.app_cidrs
  security_group_id = aws_security_group.db.id
}

output "subnet_ids" {
  value = aws_subnet.private[*].id
}

output "db_sg_id" {
  value = aws_security_group.db.id
}
"""

DB_TF = """
variable "subnet_ids" {
  type = list(string)
}

variable "sg_id" {
  type = string
}

resource "aws_db_subnet_group" "db" {
  name       = "app-db"
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "db" {
  identifier             = "app-db"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "app"
  password               = "correct-horse-battery-staple"
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [var.sg_id]
  skip_final_snapshot    = true
}
"""


def _write_tree(root: Path) -> None:
    (root / "modules" / "network").mkdir(parents=True)
    (root / "modules" / "db").mkdir(parents=True)
    (root / "main.tf").write_text(ROOT_TF)
    (root / "modules" / "network" / "main.tf").write_text(NETWORK_TF)
    (root / "modules" / "db" / "main.tf").write_text(DB_TF)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """init, plan, apply and plan again, the way a caller with an s3 backend block does it."""
    if not tfstub.terraform_available():
        pytest.skip("terraform binary not found on PATH (set PLANGATE_TERRAFORM to point at one)")
    base = tmp_path_factory.mktemp("tfstub")
    source = base / "source"
    _write_tree(source)
    workdir = base / "work"
    shutil.copytree(source, workdir)
    env = tfstub.stub_env(base)
    tfstub.stub_data(
        env,
        "aws_dynamodb_table",
        "orders",
        {"hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]},
    )

    tfstub.local_backend_override(workdir)
    tfstub.init(workdir, env, backend=True)
    variables = {"app_cidrs": ["10.1.0.0/16", "10.2.0.0/16"]}
    first, planfile = tfstub.plan(workdir, env, variables)
    tfstub.apply(workdir, env, planfile)
    second, _ = tfstub.plan(workdir, env, variables, out="second.tfplan")
    return SimpleNamespace(source=source, workdir=workdir, env=env, first=first, second=second)


def _change(plan: dict, address: str) -> dict:
    return next(rc["change"] for rc in plan["resource_changes"] if rc["address"] == address)


def _prior(plan: dict, address: str) -> dict:
    def walk(module: dict) -> dict | None:
        for r in module.get("resources", []):
            if r["address"] == address:
                return r
        for child in module.get("child_modules", []):
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(plan["prior_state"]["values"]["root_module"])
    assert found is not None, f"{address} not in prior_state"
    return found


@pytest.mark.e2e
@needs_terraform
def test_config_with_modules_plans_creates(run: SimpleNamespace) -> None:
    changes = {rc["address"]: rc["change"]["actions"] for rc in run.first["resource_changes"]}
    assert changes == {
        "aws_iam_role.task": ["create"],
        "aws_iam_role_policy.task": ["create"],
        "module.db.aws_db_instance.db": ["create"],
        "module.db.aws_db_subnet_group.db": ["create"],
        "module.network.aws_security_group.db": ["create"],
        "module.network.aws_security_group_rule.app": ["create"],
        "module.network.aws_subnet.private[0]": ["create"],
        "module.network.aws_subnet.private[1]": ["create"],
        "module.network.aws_vpc.main": ["create"],
    }
    assert all(
        rc["provider_name"] == "registry.terraform.io/hashicorp/aws"
        for rc in run.first["resource_changes"]
    )
    assert run.first["variables"]["app_cidrs"]["value"] == ["10.1.0.0/16", "10.2.0.0/16"]
    rule = _change(run.first, "module.network.aws_security_group_rule.app")
    assert rule["after"]["cidr_blocks"] == ["10.1.0.0/16", "10.2.0.0/16"]


@pytest.mark.e2e
@needs_terraform
def test_computed_attributes_are_unknown_on_create(run: SimpleNamespace) -> None:
    db = _change(run.first, "module.db.aws_db_instance.db")
    for name in ("arn", "id", "endpoint", "address", "port", "resource_id"):
        assert db["after_unknown"][name] is True, name
        assert name not in db["after"], name
    # known at plan time: configuration and the provider's defaults
    assert db["after"]["identifier"] == "app-db"
    assert db["after"]["publicly_accessible"] is False
    assert db["after"]["skip_final_snapshot"] is True
    # a set that links to another resource: known length, unknown member
    assert db["after_unknown"]["vpc_security_group_ids"] == [True]
    assert db["after"]["db_subnet_group_name"] == "app-db"  # a configured name is known

    role = _change(run.first, "aws_iam_role.task")
    assert role["after_unknown"]["arn"] is True and role["after_unknown"]["unique_id"] is True
    policy = _change(run.first, "aws_iam_role_policy.task")
    assert policy["after_unknown"]["role"] is True
    assert _change(run.first, "module.network.aws_vpc.main")["after_unknown"]["id"] is True


@pytest.mark.e2e
@needs_terraform
def test_policy_document_is_rendered_in_prior_state(run: SimpleNamespace) -> None:
    doc = _prior(run.first, "data.aws_iam_policy_document.task")["values"]
    assert json.loads(doc["json"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
                "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/tf-locks",
            }
        ],
    }
    assert doc["id"] == str(zlib.crc32(doc["json"].encode()))
    assert json.loads(doc["minified_json"]) == json.loads(doc["json"])
    lock = _prior(run.first, "data.aws_dynamodb_table.lock")["values"]
    assert lock["hash_key"] == "LockID" and lock["attribute"] == [{"name": "LockID", "type": "S"}]
    orders = _prior(run.first, "data.aws_dynamodb_table.orders")["values"]
    assert orders["hash_key"] == "pk", "stub_data() answer not used"


@pytest.mark.e2e
@needs_terraform
def test_security_group_inline_ingress_is_a_list_of_objects(run: SimpleNamespace) -> None:
    sg = _change(run.first, "module.network.aws_security_group.db")
    assert sg["after"]["ingress"] == [
        {
            "cidr_blocks": ["10.0.0.0/16"],
            "description": "",
            "from_port": 5432,
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "protocol": "tcp",
            "security_groups": [],
            "self": False,
            "to_port": 5432,
        }
    ]
    assert sg["after_unknown"]["egress"] is True  # not configured: the provider fills it
    resources = run.first["configuration"]["root_module"]["module_calls"]["network"]["module"][
        "resources"
    ]
    config = next(r for r in resources if r["address"] == "aws_security_group.db")
    # an attribute-as-block: one attribute expression, not a list of block expressions
    assert config["expressions"]["ingress"]["constant_value"][0]["from_port"] == 5432


@pytest.mark.e2e
@needs_terraform
def test_db_password_is_sensitive(run: SimpleNamespace) -> None:
    db = _change(run.first, "module.db.aws_db_instance.db")
    assert db["after_sensitive"]["password"] is True
    assert db["after"]["password"] == "correct-horse-battery-staple"  # in clear, marked


@pytest.mark.e2e
@needs_terraform
def test_apply_then_plan_is_no_op_with_prior_state(run: SimpleNamespace) -> None:
    actions = {rc["address"]: rc["change"]["actions"] for rc in run.second["resource_changes"]}
    assert actions and all(a == ["no-op"] for a in actions.values()), actions
    assert len(actions) == 9

    db = _prior(run.second, "module.db.aws_db_instance.db")
    assert db["schema_version"] == 2
    values = db["values"]
    assert values["arn"] == "arn:aws:rds:us-east-1:123456789012:db:app-db"
    assert values["port"] == 5432
    assert values["endpoint"] == f"{values['address']}:5432"
    assert values["address"].startswith("app-db.") and values["address"].endswith(
        ".us-east-1.rds.amazonaws.com"
    )
    assert values["id"].startswith("db-") and values["id"] == values["resource_id"]

    sg_id = _prior(run.second, "module.network.aws_security_group.db")["values"]["id"]
    assert sg_id.startswith("sg-") and len(sg_id) == 20
    assert values["vpc_security_group_ids"] == [sg_id]
    subnets = [
        _prior(run.second, f"module.network.aws_subnet.private[{i}]")["values"]["id"]
        for i in (0, 1)
    ]
    assert subnets[0] != subnets[1] and all(s.startswith("subnet-") for s in subnets)
    role = _prior(run.second, "aws_iam_role.task")["values"]
    assert role["arn"] == "arn:aws:iam::123456789012:role/app-task"
    assert role["unique_id"].startswith("AROA")
    assert (
        _prior(run.second, "aws_iam_role_policy.task")["values"]["id"]
        == "app-task:" + (_prior(run.second, "aws_iam_role_policy.task")["values"]["name"])
    )


@pytest.mark.e2e
@needs_terraform
def test_backend_override_initialises_local_state(run: SimpleNamespace) -> None:
    recorded = json.loads((run.workdir / ".terraform" / "terraform.tfstate").read_text())
    assert recorded["backend"]["type"] == "local"
    assert (run.workdir / "terraform.tfstate").is_file()
    assert not (run.source / "backend_override.tf").exists()


@pytest.mark.e2e
@needs_terraform
def test_errors_raise_with_terraform_stderr(run: SimpleNamespace, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "main.tf").write_text('module "gone" {\n  source = "./nowhere"\n}\n')
    with pytest.raises(RuntimeError, match="nowhere"):
        tfstub.init(broken, run.env)

    (broken / "main.tf").write_text('resource "aws_not_a_thing" "x" {}\n')
    with pytest.raises(RuntimeError, match="aws_not_a_thing"):
        tfstub.plan(broken, run.env)


IMPORT_TF = """
provider "aws" {
  region = "eu-west-1"
}

import {
  to = aws_dynamodb_table.lock
  id = "tf-locks"
}

resource "aws_dynamodb_table" "lock" {
  name         = "tf-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}
"""


@pytest.mark.e2e
@needs_terraform
def test_import_block_plans_an_in_place_update(run: SimpleNamespace, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(IMPORT_TF)
    plan, _ = tfstub.plan(tmp_path, run.env)  # no modules: no init needed
    [rc] = plan["resource_changes"]
    assert rc["change"]["importing"] == {"id": "tf-locks"}
    assert rc["change"]["actions"] == ["update"]
    assert rc["change"]["before"]["arn"] == "arn:aws:dynamodb:eu-west-1:123456789012:table/tf-locks"
    assert rc["change"]["after"]["hash_key"] == "LockID"


# --------------------------------------------------------------------------- in-process

COVERED_RESOURCES = [
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_eip",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_db_subnet_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_db_snapshot",
    "aws_db_cluster_snapshot",
    "aws_db_snapshot_copy",
    "aws_dynamodb_table",
    "aws_dynamodb_resource_policy",
    "aws_s3_bucket",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_instance_profile",
    "aws_ecs_cluster",
    "aws_ecs_task_definition",
    "aws_ecs_service",
    "aws_lambda_function",
    "aws_lambda_event_source_mapping",
    "aws_instance",
    "aws_launch_template",
    "aws_lb",
    "aws_lb_target_group",
    "aws_lb_listener",
    "aws_cloudfront_distribution",
    "aws_cloudwatch_log_group",
]

COVERED_DATA_SOURCES = [
    "aws_iam_policy_document",
    "aws_caller_identity",
    "aws_region",
    "aws_partition",
    "aws_availability_zones",
    "aws_dynamodb_table",
    "aws_vpc",
    "aws_subnets",
]


@pytest.fixture(scope="module")
def tables() -> SimpleNamespace:
    pytest.importorskip("tf", reason="the tf package (pip install tf) is needed for the stub")
    return SimpleNamespace(
        resources=importlib.import_module("tfstub.aws_resources"),
        data=importlib.import_module("tfstub.aws_data"),
        engine=importlib.import_module("tfstub.engine"),
        values=importlib.import_module("tfstub.values"),
        tf_types=importlib.import_module("tf.types"),
    )


def _dummy(type_spec: object) -> object:
    kind = type_spec.kind  # type: ignore[attr-defined]
    return {"string": "x", "number": 1, "bool": True}.get(kind, type_spec.zero())  # type: ignore[attr-defined]


def _proposed(body: object) -> dict:
    """A proposed new state: required arguments set, everything else null / no blocks."""
    state: dict = {}
    for a in body.attrs:  # type: ignore[attr-defined]
        state[a.name] = _dummy(a.type) if a.required else None
        if a.required and a.name.endswith("_arn"):
            state[a.name] = "arn:aws:svc:us-east-1:123456789012:thing/x"
    for b in body.blocks:  # type: ignore[attr-defined]
        if b.min_items:
            state[b.name] = [_proposed(b.body)] * b.min_items
        else:
            state[b.name] = None if b.nesting == "single" else []
    return state


def _unknowns(value: object, unknown: object) -> bool:
    if value is unknown:
        return True
    if isinstance(value, dict):
        return any(_unknowns(v, unknown) for v in value.values())
    if isinstance(value, list):
        return any(_unknowns(v, unknown) for v in value)
    return False


def test_every_type_in_the_brief_is_covered(tables: SimpleNamespace) -> None:
    assert set(COVERED_RESOURCES) <= {td.name for td in tables.resources.RESOURCES}
    assert sorted(td.name for td in tables.data.DATA_SOURCES) == sorted(COVERED_DATA_SOURCES)


def test_every_resource_plans_unknowns_and_applies_to_known_values(tables: SimpleNamespace) -> None:
    unknown = tables.tf_types.Unknown
    env = tables.values.Env()
    for td in tables.resources.RESOURCES:
        td.get_schema().to_pb()  # the schema serialises
        names = {a.name for a in td.body.attrs} | {b.name for b in td.body.blocks}
        planned, replace = tables.engine.plan(td, None, _proposed(td.body), env)
        assert replace == []
        assert set(planned) == names, td.name
        assert "id" in names and planned["id"] is unknown, td.name
        applied = tables.engine.apply(td, planned, env)
        assert set(applied) == names, td.name
        assert not _unknowns(applied, unknown), td.name
        assert isinstance(applied["id"], str) and applied["id"], td.name
        for name in ("arn",) if "arn" in names else ():
            assert applied[name].startswith("arn:aws:"), (td.name, applied[name])
        # a second plan over the applied state changes nothing
        again, replace = tables.engine.plan(td, applied, dict(applied), env)
        assert replace == [] and again == applied, td.name
        # an imported object is fully known and is never replaced by the plan that imports it
        imported = tables.engine.import_state(td, "imported-id", env)
        assert set(imported) == names and not _unknowns(imported, unknown), td.name
        assert tables.engine.plan(td, imported, planned, env)[1] == [], td.name


def test_every_data_source_reads_known_values(tables: SimpleNamespace) -> None:
    env = tables.values.Env()
    for td in tables.data.DATA_SOURCES:
        td.get_schema().to_pb()
        names = {a.name for a in td.body.attrs} | {b.name for b in td.body.blocks}
        state = tables.engine.read_data(td, _proposed(td.body), env)
        assert set(state) == names, td.name
        assert not _unknowns(state, tables.tf_types.Unknown), td.name
        assert state["id"], td.name


def test_force_new_attribute_change_asks_for_replacement(tables: SimpleNamespace) -> None:
    env = tables.values.Env()
    td = next(t for t in tables.resources.RESOURCES if t.name == "aws_dynamodb_table")
    proposed = _proposed(td.body) | {"name": "locks", "hash_key": "LockID"}
    applied = tables.engine.apply(td, tables.engine.plan(td, None, proposed, env)[0], env)
    assert applied["arn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/locks"
    _, replace = tables.engine.plan(td, applied, applied | {"name": "locks-v2"}, env)
    assert replace == ["name"]
    planned, replace = tables.engine.plan(td, applied, applied | {"stream_enabled": True}, env)
    assert replace == [] and planned["stream_arn"] is tables.tf_types.Unknown


def test_default_tags_merge_into_tags_all(tables: SimpleNamespace) -> None:
    env = tables.data.env_from_config(
        {"region": "eu-west-1", "default_tags": [{"tags": {"team": "core"}}]}
    )
    td = next(t for t in tables.resources.RESOURCES if t.name == "aws_s3_bucket")
    planned, _ = tables.engine.plan(
        td, None, _proposed(td.body) | {"bucket": "b", "tags": {"a": "1"}}, env
    )
    assert planned["tags_all"] == {"team": "core", "a": "1"}
    applied = tables.engine.apply(td, planned, env)
    assert applied["bucket_regional_domain_name"] == "b.s3.eu-west-1.amazonaws.com"


def test_db_port_defaults_by_engine(tables: SimpleNamespace) -> None:
    port = tables.resources.engine_port
    assert [
        port("postgres"),
        port("mysql"),
        port("aurora-postgresql"),
        port("oracle-ee"),
        port("sqlserver-se"),
    ] == [
        5432,
        3306,
        5432,
        1521,
        1433,
    ]


# --------------------------------------------------------------------------- policy documents


@pytest.fixture(scope="module")
def policy_document() -> ModuleType:
    """policy_document.py is stdlib only: load it on its own."""
    spec = importlib.util.spec_from_file_location(
        "tfstub_policy_document", HERE / "policy_document.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _statement(**fields: object) -> dict:
    base: dict = {
        "sid": "",
        "effect": "Allow",
        "actions": [],
        "not_actions": [],
        "resources": [],
        "not_resources": [],
        "principals": [],
        "not_principals": [],
        "condition": [],
    }
    return base | fields


def test_policy_document_shapes_like_the_real_provider(policy_document: ModuleType) -> None:
    config = {
        "version": "2012-10-17",
        "statement": [
            _statement(
                sid="Read",
                actions=["s3:GetObject", "s3:ListBucket"],
                resources=["arn:aws:s3:::b/&{aws:username}/*"],
                principals=[{"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]}],
                condition=[
                    {"test": "StringEquals", "variable": "aws:SourceVpc", "values": ["vpc-1"]},
                    {"test": "StringEquals", "variable": "aws:SourceVpc", "values": ["vpc-2"]},
                ],
            ),
            _statement(
                effect="Deny",
                not_actions=["iam:*"],
                principals=[{"type": "*", "identifiers": ["*"]}],
                resources=["*"],
            ),
        ],
    }
    pretty, minified, doc_id = policy_document.render(config)
    assert pretty == (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Sid": "Read",\n'
        '      "Effect": "Allow",\n'
        '      "Action": [\n'
        '        "s3:ListBucket",\n'
        '        "s3:GetObject"\n'
        "      ],\n"
        '      "Resource": "arn:aws:s3:::b/${aws:username}/*",\n'
        '      "Principal": {\n'
        '        "AWS": "arn:aws:iam::111122223333:root"\n'
        "      },\n"
        '      "Condition": {\n'
        '        "StringEquals": {\n'
        '          "aws:SourceVpc": [\n'
        '            "vpc-1",\n'
        '            "vpc-2"\n'
        "          ]\n"
        "        }\n"
        "      }\n"
        "    },\n"
        "    {\n"
        '      "Effect": "Deny",\n'
        '      "NotAction": "iam:*",\n'
        '      "Resource": "*",\n'
        '      "Principal": "*"\n'
        "    }\n"
        "  ]\n"
        "}"
    )
    assert json.loads(minified) == json.loads(pretty) and "\n" not in minified
    assert doc_id == str(zlib.crc32(pretty.encode()))


def test_policy_document_merges_source_and_override_by_sid(policy_document: ModuleType) -> None:
    source = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "B", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
            ],
        }
    )
    override = json.dumps(
        {"Statement": [{"Sid": "B", "Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]}
    )
    config = {
        "version": "2012-10-17",
        "source_policy_documents": [source],
        "override_policy_documents": [override],
        "statement": [_statement(sid="C", actions=["sns:Publish"], resources=["*"])],
    }
    doc = json.loads(policy_document.render(config)[0])
    assert [(s["Sid"], s["Effect"]) for s in doc["Statement"]] == [
        ("A", "Allow"),
        ("B", "Deny"),
        ("C", "Allow"),
    ]
