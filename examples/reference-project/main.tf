# The reference architecture plangate protects: an ECS Fargate API behind an ALB and
# CloudFront, PostgreSQL on RDS in private subnets reachable only from the service's
# security group, and the Terraform state backend (S3 bucket + DynamoDB lock table) that
# nothing but Terraform touches.
#
# Identifiers (security group ids, ARNs) flow between the modules through module outputs
# and variables only, never through locals: in a first plan they are unknown, and a
# reader of `terraform show -json` can link resources only through the configuration's
# references (module_calls, module variables, outputs).

module "network" {
  source = "./modules/network"

  name       = var.name
  cidr_block = "10.0.0.0/16"
  public_subnets = {
    "us-east-1a" = "10.0.0.0/24"
    "us-east-1b" = "10.0.1.0/24"
  }
  private_subnets = [
    { availability_zone = "us-east-1a", cidr_block = "10.0.10.0/24" },
    { availability_zone = "us-east-1b", cidr_block = "10.0.11.0/24" },
  ]
}

module "state_backend" {
  source = "./modules/state_backend"

  state_bucket_name = "acme-terraform-state"
  lock_table_name   = "terraform-state-lock"
  create_lock_table = !var.lock_table_deleted
  stream_enabled    = var.lambda_lock_stream
}

module "database" {
  source = "./modules/database"

  identifier            = "${var.name}-db"
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  app_security_group_id = module.app.service_security_group_id
  password              = var.db_password

  publicly_accessible     = var.rds_public
  allow_public_ingress    = var.db_sg_open
  include_public_subnets  = var.db_public_subnets
  public_subnet_ids       = module.network.public_subnet_ids
  share_snapshot_publicly = var.public_snapshot
}

module "app" {
  source = "./modules/app"

  name               = var.name
  region             = var.region
  image              = var.app_image
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids

  db_name             = module.database.db_name
  db_port             = module.database.port
  db_username         = module.database.username
  db_parameter_prefix = "/${var.name}/db"

  # Only the mistake variants below use these.
  extra_environment           = var.lock_table_in_env ? { LOCK_TABLE = module.state_backend.lock_table_name } : {}
  lock_table_arn              = module.state_backend.lock_table_arn
  lock_table_stream_arn       = module.state_backend.lock_table_stream_arn
  grant_lock_table            = var.task_role_lock_table_direct
  grant_dynamodb_wildcard     = var.task_role_lock_table_wildcard
  attach_dynamodb_full_access = var.task_role_managed_policy
  lock_stream_consumer        = var.lambda_lock_stream
}
