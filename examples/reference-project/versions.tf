terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # The state of this project lives in the bucket and is locked with the table that the
  # state_backend module manages (the usual bootstrap: created with a local backend, then
  # migrated). Terraform is the only client of either: plangate keeps it that way.
  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "reference/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-state-lock"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region
}
