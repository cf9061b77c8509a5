output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Ids of the public subnets (ALB, NAT gateway)."
  value       = [for subnet in aws_subnet.public : subnet.id]
}

output "private_subnet_ids" {
  description = "Ids of the private subnets (ECS tasks, database)."
  value       = aws_subnet.private[*].id
}
