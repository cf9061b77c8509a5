# The roles the API's tasks run as. Both are trusted by ecs-tasks.amazonaws.com: the
# execution role pulls the image, writes logs and reads the database parameters at task
# start; the task role is what the application code runs as.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-api-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "ReadDatabaseParameters"
    actions   = ["ssm:GetParameters"]
    resources = ["${local.db_parameter_arn_prefix}/*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "read-database-parameters"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-api-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "Assets"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.assets.arn}/*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "assets"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# Mistake: the application may take, hold and break Terraform's state locks.
data "aws_iam_policy_document" "lock_table" {
  count = var.grant_lock_table ? 1 : 0

  statement {
    sid       = "TerraformLocks"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [var.lock_table_arn]
  }
}

resource "aws_iam_role_policy" "lock_table" {
  count = var.grant_lock_table ? 1 : 0

  name   = "terraform-locks"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.lock_table[0].json
}

# Mistake: every action on every table, the lock table included.
data "aws_iam_policy_document" "dynamodb_wildcard" {
  count = var.grant_dynamodb_wildcard ? 1 : 0

  statement {
    sid       = "AllTables"
    actions   = ["dynamodb:*"]
    resources = ["arn:aws:dynamodb:*:*:table/*"]
  }
}

resource "aws_iam_role_policy" "dynamodb_wildcard" {
  count = var.grant_dynamodb_wildcard ? 1 : 0

  name   = "dynamodb"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.dynamodb_wildcard[0].json
}

# Mistake: an AWS managed policy that reaches every table.
resource "aws_iam_role_policy_attachment" "dynamodb_full_access" {
  count = var.attach_dynamodb_full_access ? 1 : 0

  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"
}
