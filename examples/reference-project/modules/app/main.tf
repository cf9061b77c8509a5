# The API: ECS Fargate tasks in the private subnets, behind the ALB and CloudFront.

locals {
  db_parameter_arn_prefix = "arn:aws:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter${var.db_parameter_prefix}"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-${var.name}-assets"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/${var.name}-api"
  retention_in_days = 30
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.name}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  memory                   = "1024"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = var.image
      essential = true

      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" },
      ]

      environment = [
        for name, value in merge(
          {
            APP_ENV       = "production"
            ASSETS_BUCKET = aws_s3_bucket.assets.bucket
            DB_NAME       = var.db_name
            DB_PORT       = tostring(var.db_port)
            DB_USER       = var.db_username
            PORT          = tostring(var.container_port)
          },
          var.extra_environment,
        ) : { name = name, value = value }
      ]

      # Read by ECS (with the execution role) at task start, so that neither value is
      # stored in the task definition. The parameters are written outside Terraform, by the
      # job that bootstraps the database.
      secrets = [
        { name = "DB_HOST", valueFrom = "${local.db_parameter_arn_prefix}/host" },
        { name = "DB_PASSWORD", valueFrom = "${local.db_parameter_arn_prefix}/password" },
      ]

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.api.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "api"
        }
      }
    },
  ])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
}

resource "aws_ecs_service" "api" {
  name            = "${var.name}-api"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = var.container_port
  }

  depends_on = [aws_lb_listener.http]
}
