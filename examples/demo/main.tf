# The example `make demo` applies against the bundled Sentry API fake. It runs
# unchanged against sentry.io or a self-hosted Sentry: set SENTRY_AUTH_TOKEN
# (and SENTRY_BASE_URL for self-hosted) and pass your own organization and
# project.

terraform {
  # provider::sentry::parse_dsn needs Terraform 1.8.
  required_version = ">= 1.8.0"
  required_providers {
    sentry = {
      source = "sentrykeys/sentry"
    }
  }
}

variable "organization" {
  description = "The slug of the Sentry organization."
  type        = string
}

variable "project" {
  description = "The slug of the Sentry project."
  type        = string
}

# The token comes from SENTRY_AUTH_TOKEN and the address from SENTRY_BASE_URL
# (default https://sentry.io/api/).
provider "sentry" {}

# Every key of the project, through all of Sentry's pages.
data "sentry_project_keys" "all" {
  organization = var.organization
  project      = var.project
}

# The one key named "Default": every project starts with it.
data "sentry_project_key" "default" {
  organization = var.organization
  project      = var.project
  name         = "Default"
}

locals {
  dsn = provider::sentry::parse_dsn(data.sentry_project_key.default.dsn.public)
}

# terraform_data stands in for what usually consumes a DSN: a Kubernetes
# secret, a CI variable, an application's configuration.
resource "terraform_data" "app_config" {
  input = {
    SENTRY_DSN         = data.sentry_project_key.default.dsn.public
    SENTRY_ENVIRONMENT = "demo"
  }
}

output "keys" {
  description = "Every key, newest first: name, state and public DSN."
  value = [
    for k in data.sentry_project_keys.all.keys :
    format("%-16s %-8s %s", k.name, k.is_active ? "active" : "inactive", k.dsn.public)
  ]
}

output "key_count" {
  description = "How many keys the project has, active or not."
  value       = length(data.sentry_project_keys.all.keys)
}

output "default_key" {
  description = "The key named Default, and its DSN taken apart by parse_dsn."
  value = {
    id         = data.sentry_project_key.default.id
    created    = data.sentry_project_key.default.date_created
    host       = local.dsn.host
    project_id = local.dsn.project_id
    public_key = local.dsn.public_key
    envelope   = "${local.dsn.api_url}envelope/"
  }
}

output "app_config" {
  description = "What the DSN consumer received."
  value       = terraform_data.app_config.output
}
