variable "identifier" {
  description = "Identifier of the database instance (also names its security group and subnet group)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the DB subnet group."
  type        = list(string)
}

variable "app_security_group_id" {
  description = "Security group of the application: the only source admitted on the database port."
  type        = string
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t3.medium"
}

variable "engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "16.4"
}

variable "port" {
  description = "Port PostgreSQL listens on."
  type        = number
  default     = 5432
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "app"
}

variable "username" {
  description = "Master user name."
  type        = string
  default     = "app_admin"
}

variable "password" {
  description = "Master password."
  type        = string
  sensitive   = true
}

# Mistake switches (false in the reference architecture).

variable "publicly_accessible" {
  description = "Mistake: give the instance a public address."
  type        = bool
  default     = false
}

variable "allow_public_ingress" {
  description = "Mistake: admit 0.0.0.0/0 on the database port."
  type        = bool
  default     = false
}

variable "include_public_subnets" {
  description = "Mistake: place the instance in a subnet group that also holds the public subnets."
  type        = bool
  default     = false
}

variable "public_subnet_ids" {
  description = "Public subnets; used only by the include_public_subnets mistake."
  type        = list(string)
  default     = []
}

variable "share_snapshot_publicly" {
  description = "Mistake: take a manual snapshot shared with all AWS accounts."
  type        = bool
  default     = false
}
