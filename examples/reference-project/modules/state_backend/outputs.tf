output "state_bucket_name" {
  description = "Name of the state bucket."
  value       = aws_s3_bucket.state.bucket
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "lock_table_name" {
  description = "Name of the lock table (null when it is not in the configuration)."
  value       = one(aws_dynamodb_table.lock[*].name)
}

output "lock_table_arn" {
  description = "ARN of the lock table (null when it is not in the configuration)."
  value       = one(aws_dynamodb_table.lock[*].arn)
}

output "lock_table_stream_arn" {
  description = "ARN of the lock table's stream (null unless a stream is enabled)."
  value       = one(aws_dynamodb_table.lock[*].stream_arn)
}
