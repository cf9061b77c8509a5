variable "region" {
  description = "AWS region of every resource."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix of the application's resources."
  type        = string
  default     = "reference"
}

variable "app_image" {
  description = "Container image of the API service."
  type        = string
  default     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-api:1.4.2"
}

variable "db_password" {
  description = "Master password of the PostgreSQL instance."
  type        = string
  sensitive   = true
}

# ---------------------------------------------------------------------------------------
# The classic mistakes, one switch each (all false in the reference architecture).
# examples/make_plans.py turns them on one at a time to write examples/plans/<name>.json.
# ---------------------------------------------------------------------------------------

variable "rds_public" {
  description = "Mistake: the database instance is publicly accessible."
  type        = bool
  default     = false
}

variable "db_sg_open" {
  description = "Mistake: the database security group admits 0.0.0.0/0 on 5432."
  type        = bool
  default     = false
}

variable "db_public_subnets" {
  description = "Mistake: the DB subnet group holds the public subnets."
  type        = bool
  default     = false
}

variable "public_snapshot" {
  description = "Mistake: a manual snapshot of the database is shared with all AWS accounts."
  type        = bool
  default     = false
}

variable "task_role_lock_table_direct" {
  description = "Mistake: the ECS task role may read and write the state lock table."
  type        = bool
  default     = false
}

variable "task_role_lock_table_wildcard" {
  description = "Mistake: the ECS task role gets dynamodb:* on every table."
  type        = bool
  default     = false
}

variable "task_role_managed_policy" {
  description = "Mistake: AmazonDynamoDBFullAccess is attached to the ECS task role."
  type        = bool
  default     = false
}

variable "lock_table_in_env" {
  description = "Mistake: the lock table's name is passed to the container as LOCK_TABLE."
  type        = bool
  default     = false
}

variable "lambda_lock_stream" {
  description = "Mistake: a stream on the lock table feeds a Lambda function."
  type        = bool
  default     = false
}

variable "lock_table_deleted" {
  description = "Mistake: the lock table is removed from the configuration."
  type        = bool
  default     = false
}
