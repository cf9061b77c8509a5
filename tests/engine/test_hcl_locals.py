"""The locals scanner finds references in local values without evaluating HCL."""

from __future__ import annotations

from plangate.hcl_locals import LocalsIndex

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
