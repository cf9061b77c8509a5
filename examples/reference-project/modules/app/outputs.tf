output "service_security_group_id" {
  description = "Security group of the API tasks (the database admits it)."
  value       = aws_security_group.service.id
}

output "task_role_arn" {
  description = "Role the application code runs as."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role ECS uses to start the tasks."
  value       = aws_iam_role.execution.arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "cloudfront_domain_name" {
  description = "Domain name of the distribution."
  value       = aws_cloudfront_distribution.this.domain_name
}
