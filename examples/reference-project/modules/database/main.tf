# PostgreSQL in the private subnets, reachable on its port from the application's
# security group only.

resource "aws_security_group" "db" {
  name        = "${var.identifier}-sg"
  description = "PostgreSQL: ingress from the application only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.identifier}-sg"
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the application tasks"
  referenced_security_group_id = var.app_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
}

# Mistake: the database port open to the internet.
resource "aws_vpc_security_group_ingress_rule" "public" {
  count = var.allow_public_ingress ? 1 : 0

  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL from anywhere"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
}

resource "aws_db_subnet_group" "this" {
  name        = var.identifier
  description = "Private subnets of ${var.identifier}"
  subnet_ids  = var.subnet_ids
}

# Mistake: a subnet group that also holds the public subnets. It is a separate resource
# (rather than a conditional in subnet_ids) because a conditional expression lists the
# references of both branches in the plan's configuration, which would link the good
# subnet group to the public subnets too.
resource "aws_db_subnet_group" "with_public" {
  count = var.include_public_subnets ? 1 : 0

  name        = "${var.identifier}-with-public"
  description = "Private and public subnets of ${var.identifier}"
  subnet_ids  = concat(var.subnet_ids, var.public_subnet_ids)
}

resource "aws_db_instance" "this" {
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  port           = var.port

  allocated_storage = 50
  storage_type      = "gp3"
  storage_encrypted = true

  db_name  = var.db_name
  username = var.username
  password = var.password

  db_subnet_group_name   = var.include_public_subnets ? aws_db_subnet_group.with_public[0].name : aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = var.publicly_accessible

  multi_az                  = true
  backup_retention_period   = 7
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.identifier}-final"
}

# Mistake: a manual snapshot anyone can restore.
resource "aws_db_snapshot" "shared" {
  count = var.share_snapshot_publicly ? 1 : 0

  db_instance_identifier = aws_db_instance.this.identifier
  db_snapshot_identifier = "${var.identifier}-manual"
  shared_accounts        = ["all"]
}
