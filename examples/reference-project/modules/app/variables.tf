variable "name" {
  description = "Name prefix of the application's resources."
  type        = string
}

variable "region" {
  description = "AWS region (for the container's log configuration)."
  type        = string
}

variable "image" {
  description = "Container image of the API."
  type        = string
}

variable "container_port" {
  description = "Port the API container listens on."
  type        = number
  default     = 8080
}

variable "vpc_id" {
  description = "VPC of the load balancer and the tasks."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the ECS tasks."
  type        = list(string)
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
}

variable "db_port" {
  description = "Port of the database."
  type        = number
}

variable "db_username" {
  description = "Database user of the application."
  type        = string
}

variable "db_parameter_prefix" {
  description = "SSM Parameter Store path under which the database's `host` and `password` parameters live."
  type        = string
}

variable "extra_environment" {
  description = "Additional environment variables of the API container."
  type        = map(string)
  default     = {}
}

# Used only by the mistake switches below.

variable "lock_table_arn" {
  description = "ARN of the Terraform state lock table."
  type        = string
  default     = null
}

variable "lock_table_stream_arn" {
  description = "ARN of the lock table's stream."
  type        = string
  default     = null
}

variable "grant_lock_table" {
  description = "Mistake: let the task role read and write the lock table."
  type        = bool
  default     = false
}

variable "grant_dynamodb_wildcard" {
  description = "Mistake: give the task role dynamodb:* on every table."
  type        = bool
  default     = false
}

variable "attach_dynamodb_full_access" {
  description = "Mistake: attach AmazonDynamoDBFullAccess to the task role."
  type        = bool
  default     = false
}

variable "lock_stream_consumer" {
  description = "Mistake: a Lambda function consuming the lock table's stream."
  type        = bool
  default     = false
}
