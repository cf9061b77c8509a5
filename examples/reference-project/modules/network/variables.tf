variable "name" {
  description = "Name prefix for tags."
  type        = string
}

variable "cidr_block" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "public_subnets" {
  description = "Public subnets: availability zone => CIDR block (one per zone)."
  type        = map(string)
}

variable "private_subnets" {
  description = "Private subnets, in order."
  type = list(object({
    availability_zone = string
    cidr_block        = string
  }))
}
