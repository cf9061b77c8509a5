output "vpc_id" {
  description = "Id of the VPC."
  value       = module.network.vpc_id
}

output "alb_dns_name" {
  description = "DNS name of the application load balancer (CloudFront's origin)."
  value       = module.app.alb_dns_name
}

output "cloudfront_domain_name" {
  description = "Public entry point of the application."
  value       = module.app.cloudfront_domain_name
}

output "db_address" {
  description = "Private DNS name of the PostgreSQL instance."
  value       = module.database.address
}

output "state_bucket" {
  description = "Bucket that holds this project's Terraform state."
  value       = module.state_backend.state_bucket_name
}

output "lock_table" {
  description = "DynamoDB table that locks this project's Terraform state."
  value       = module.state_backend.lock_table_name
}
