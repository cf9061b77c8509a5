variable "state_bucket_name" {
  description = "Name of the S3 bucket that holds Terraform state."
  type        = string
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table that locks Terraform state."
  type        = string
}

variable "create_lock_table" {
  description = "Whether the lock table is in the configuration (false only in the lock_table_deleted mistake)."
  type        = bool
  default     = true
}

variable "stream_enabled" {
  description = "Whether the lock table has a stream (true only in the lambda_lock_stream mistake)."
  type        = bool
  default     = false
}
