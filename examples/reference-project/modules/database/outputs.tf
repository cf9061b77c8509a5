output "address" {
  description = "Private DNS name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the instance."
  value       = aws_db_instance.this.port
}

output "username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "db_name" {
  description = "Name of the application database."
  value       = aws_db_instance.this.db_name
}

output "security_group_id" {
  description = "Security group of the instance."
  value       = aws_security_group.db.id
}
