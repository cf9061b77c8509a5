"""The built-in policy pack: state-backend isolation and RDS exposure."""
