# Mistake (lock_stream_consumer): a function fed by the lock table's stream. It gets its
# own role, trusted by lambda.amazonaws.com, that reads the stream.

data "aws_iam_policy_document" "lambda_assume" {
  count = var.lock_stream_consumer ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lock_audit" {
  count = var.lock_stream_consumer ? 1 : 0

  name               = "${var.name}-lock-audit"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume[0].json
}

resource "aws_iam_role_policy_attachment" "lock_audit_logs" {
  count = var.lock_stream_consumer ? 1 : 0

  role       = aws_iam_role.lock_audit[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

data "aws_iam_policy_document" "lock_audit" {
  count = var.lock_stream_consumer ? 1 : 0

  statement {
    sid = "ReadLockTableStream"
    actions = [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:ListStreams",
    ]
    resources = [var.lock_table_stream_arn]
  }
}

resource "aws_iam_role_policy" "lock_audit" {
  count = var.lock_stream_consumer ? 1 : 0

  name   = "read-lock-stream"
  role   = aws_iam_role.lock_audit[0].id
  policy = data.aws_iam_policy_document.lock_audit[0].json
}

resource "aws_lambda_function" "lock_audit" {
  count = var.lock_stream_consumer ? 1 : 0

  function_name = "${var.name}-lock-audit"
  role          = aws_iam_role.lock_audit[0].arn
  runtime       = "python3.12"
  handler       = "lock_audit.handler"
  s3_bucket     = "acme-${var.name}-artifacts"
  s3_key        = "lock-audit/1.0.0.zip"
  timeout       = 30

  environment {
    variables = {
      APP_ENV = "production"
    }
  }
}

resource "aws_lambda_event_source_mapping" "lock_audit" {
  count = var.lock_stream_consumer ? 1 : 0

  event_source_arn  = var.lock_table_stream_arn
  function_name     = aws_lambda_function.lock_audit[0].arn
  starting_position = "LATEST"
  batch_size        = 100
}
