"""PG-RDS-004 on plans written by the real terraform binary (stub aws provider): route
shapes that only Terraform's own output shows faithfully."""

from __future__ import annotations

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate import Plan
from plangate.policies.rds.public_subnets import rds_public_subnets
from plangate.testing import run_policy, summarise

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

CONFIG = """
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
resource "aws_route_table" "split" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/1"
    gateway_id = aws_internet_gateway.igw.id
  }
  route {
    cidr_block = "128.0.0.0/1"
    gateway_id = aws_internet_gateway.igw.id
  }
  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = "eigw-0123456789abcdef0"
  }
}
resource "aws_route" "main_igw" {
  route_table_id         = aws_vpc.main.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
resource "aws_subnet" "main_table" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "split" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table_association" "split" {
  subnet_id      = aws_subnet.split.id
  route_table_id = aws_route_table.split.id
}
resource "aws_db_subnet_group" "main_table" {
  name       = "main-table"
  subnet_ids = [aws_subnet.main_table.id]
}
resource "aws_db_subnet_group" "split" {
  name       = "split"
  subnet_ids = [aws_subnet.split.id]
}
"""


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    work = tmp_path_factory.mktemp("routes")
    (work / "main.tf").write_text(CONFIG)
    env = tfstub.stub_env(tmp_path_factory.mktemp("env"))
    first, planfile = tfstub.plan(work, env, {})
    tfstub.apply(work, env, planfile)
    second, _ = tfstub.plan(work, env, {})
    return {"first": first, "after apply": second}


@pytest.mark.parametrize("which", ["first", "after apply"])
def test_split_default_routes_and_routes_on_the_main_table_make_subnets_public(plans, which):
    findings = run_policy(rds_public_subnets, Plan(plans[which]))
    assert summarise(findings) == [
        ("PG-RDS-004", "aws_db_subnet_group.main_table", "subnet_ids", "certain"),
        ("PG-RDS-004", "aws_db_subnet_group.split", "subnet_ids", "certain"),
    ]
    assert "main route table of aws_vpc.main" in findings[0].message
    assert "0.0.0.0/1" in findings[1].message
