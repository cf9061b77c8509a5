"""The locals scanner finds references in local values without evaluating HCL."""

from __future__ import annotations

import json
import os
import time

import pytest
from plangate import Plan
from plangate.hcl_locals import MAX_FILE_BYTES, LocalsIndex

SOURCE = """
# locals { commented = aws_s3_bucket.nope.arn }
locals {
  table_arn = module.state.lock_table_arn   # trailing comment
  nested = {
    inner = "x = y"
    arn   = aws_dynamodb_table.lock["a.b"].arn
  }
  env = [for k, v in var.env : { name = k, value = v }]
  text = "prefix-${data.aws_region.current.name}-${local.table_arn}"
}
"""


def test_each_local_lists_the_references_in_its_value(tmp_path):
    (tmp_path / "main.tf").write_text(SOURCE)
    index = LocalsIndex(tmp_path, {})
    assert index.references((), "table_arn") == ["module.state.lock_table_arn"]
    assert index.references((), "nested") == ['aws_dynamodb_table.lock["a.b"].arn']
    assert index.references((), "env") == ["var.env"]
    assert index.references((), "text") == ["data.aws_region.current.name", "local.table_arn"]
    assert index.references((), "commented") is None
    assert index.references((), "inner") is None


def test_a_child_module_folder_is_found_from_its_relative_source(tmp_path):
    child = tmp_path / "modules" / "app"
    child.mkdir(parents=True)
    (child / "locals.tf").write_text("locals {\n  role = aws_iam_role.task.arn\n}\n")
    index = LocalsIndex(tmp_path, {("app",): "./modules/app"})
    assert index.references(("app",), "role") == ["aws_iam_role.task.arn"]
    assert index.references(("other",), "role") is None


def test_strings_heredocs_and_comments_hide_what_looks_like_code(tmp_path):
    (tmp_path / "main.tf").write_text(
        "locals {\n"
        '  url   = "http://example.com/#x" // a comment: aws_s3_bucket.nope.arn\n'
        '  brace = "{ ( [" # aws_s3_bucket.nope.arn\n'
        '  star  = "/* not a comment */ ${var.a}"\n'
        "  doc   = <<EOT\n"
        "locals {\n"
        "  fake = var.nope\n"
        "}\n"
        "${aws_iam_role.r.arn}\n"
        "EOT\n"
        '  inner = "${ {k = var.b}["k"] } ${var.c}"\n'
        "}\n"
    )
    index = LocalsIndex(tmp_path, {})
    assert index.references((), "url") == []
    assert index.references((), "brace") == []
    assert index.references((), "star") == ["var.a"]
    assert index.references((), "doc") == ["var.nope", "aws_iam_role.r.arn"]
    assert index.references((), "inner") == ["var.b", "var.c"]
    assert index.references((), "fake") is None


def test_files_too_large_or_not_regular_are_not_read(tmp_path):
    (tmp_path / "a.tf").write_text("locals {\n  small = var.a\n}\n")
    big = "locals {\n  big = var.b\n}\n"
    (tmp_path / "b.tf").write_text(big + "#" * (MAX_FILE_BYTES - len(big) + 1))
    os.mkfifo(tmp_path / "c.tf")  # reading it would wait for a writer forever
    (tmp_path / "d.tf").symlink_to("/dev/zero")  # and this never ends
    index = LocalsIndex(tmp_path, {})
    assert index.references((), "small") == ["var.a"]
    assert index.references((), "big") is None  # unknown, so unresolved


# Files of the largest size read, shaped to make a scanner that backtracks or rescans
# quadratic: a comment or an unterminated string of `/*`, a heredoc of `locals {`, open
# strings, brackets, escapes, interpolations, references with an open `[`.
HOSTILE = {
    "block comments in a comment": "# " + "/* " * MAX_FILE_BYTES,
    "unterminated block comments": "/* " * MAX_FILE_BYTES,
    "locals in a heredoc": "locals {\n  h = <<EOT\n" + "locals {\n" * MAX_FILE_BYTES,
    "unclosed locals blocks": "locals {\n" * MAX_FILE_BYTES,
    "blank lines": "\n" * MAX_FILE_BYTES,
    "open indexes": "locals {\n  a = " + "a_b.c[" * MAX_FILE_BYTES,
    "quotes": "locals {\n  q = " + '"' * MAX_FILE_BYTES,
    "brackets": "locals {\n  b = " + "{[(" * MAX_FILE_BYTES,
    "closing brackets": "}])" * MAX_FILE_BYTES,
    "escapes": 'locals {\n  e = "' + "\\\\" * MAX_FILE_BYTES,
    "interpolations": 'locals {\n  i = "' + "${{" * MAX_FILE_BYTES,
    "heredoc starts": "locals {\n" + "  h = <<EOT\n" * MAX_FILE_BYTES,
    "module references": "locals {\n  m = " + "module.m[x" * MAX_FILE_BYTES,
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_hostile_file_of_the_largest_size_read_is_scanned_at_once(tmp_path, shape):
    text = "locals {\n  first = var.x\n}\n" + HOSTILE[shape]
    (tmp_path / "main.tf").write_text(text[:MAX_FILE_BYTES])
    started = time.perf_counter()
    index = LocalsIndex(tmp_path, {})
    assert index.references((), "first") == ["var.x"]
    assert time.perf_counter() - started < 5


def test_valid_terraform_full_of_what_made_the_scan_quadratic_resolves_at_once(real_plan, tmp_path):
    # Each part took minutes with the old scanner; Terraform plans the file happily.
    hostile = (
        "# " + "/* " * 30_000 + "\n"
        "locals {\n"
        "  role = terraform_data.role.id\n"
        "  doc  = <<EOT\n" + "locals {\n" * 10_000 + "a_b.c[" * 20_000 + "\nEOT\n"
        "}\n"
    )
    data, _ = real_plan(
        {
            "main.tf": 'resource "terraform_data" "role" {\n  input = "role"\n}\n'
            'resource "terraform_data" "uses" {\n  input = local.role\n}\n',
            "hostile.tf": hostile,
        }
    )
    plan = Plan(data, "real", source_dir=tmp_path)  # where real_plan wrote the files
    started = time.perf_counter()
    resolution = plan.references.resolve(plan.by_address["terraform_data.uses"], "input")
    assert time.perf_counter() - started < 5
    assert [(r.address, r.attribute) for r in resolution.refs] == [("terraform_data.role", "id")]
    assert resolution.refs[0].via == ("local.role",)


def _repository_with_a_folder_beside_it(tmp_path):
    """A checkout (`repo`, holding `.git`) whose working directory is `repo/env`, and a
    folder outside it holding a local that would link to the lock table."""
    env = tmp_path / "repo" / "env"
    env.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "locals.tf").write_text("locals {\n  role = aws_iam_role.task.arn\n}\n")
    return env, outside


def test_a_module_source_leading_out_of_the_repository_is_not_read(tmp_path):
    env, _ = _repository_with_a_folder_beside_it(tmp_path)
    inside = tmp_path / "repo" / "modules" / "app"
    inside.mkdir(parents=True)
    (inside / "locals.tf").write_text("locals {\n  role = aws_iam_role.task.arn\n}\n")
    index = LocalsIndex(env, {("app",): "../modules/app", ("evil",): "../../outside"})
    assert index.references(("app",), "role") == ["aws_iam_role.task.arn"]
    assert index.references(("evil",), "role") is None


def test_a_manifest_dir_or_a_symlink_leading_out_of_the_repository_is_not_followed(tmp_path):
    env, outside = _repository_with_a_folder_beside_it(tmp_path)
    manifest = env / ".terraform" / "modules" / "modules.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"Modules": [{"Key": "evil", "Dir": str(outside)}]}))
    linked = tmp_path / "repo" / "modules" / "linked"
    linked.mkdir(parents=True)
    (linked / "locals.tf").symlink_to(outside / "locals.tf")
    (tmp_path / "repo" / "modules" / "whole").symlink_to(outside)
    index = LocalsIndex(env, {("linked",): "../modules/linked", ("whole",): "../modules/whole"})
    assert index.references(("evil",), "role") is None
    assert index.references(("linked",), "role") is None
    assert index.references(("whole",), "role") is None
