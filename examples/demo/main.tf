# The example `make demo` applies against the bundled Sentry API fake. It runs
# unchanged against sentry.io or a self-hosted Sentry: set SENTRY_AUTH_TOKEN
# (and SENTRY_BASE_URL for self-hosted) and pass your own organization and
# project.

terraform {
  required_version = ">= 1.5.0"
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

data "sentry_project_keys" "all" {
  organization = var.organization
  project      = var.project
}

data "sentry_project_keys" "active" {
  organization = var.organization
  project      = var.project
  status       = "active"
}

locals {
  active_keys = data.sentry_project_keys.active.keys
  # Every project starts with a key named "Default". Keys come newest first,
  # so without one, the oldest active key is the last in the list. Pick the
  # public DSN string itself: an expression over whole key objects would be
  # sensitive, because each key carries its secret.
  default_dsns = [for k in local.active_keys : k.dsn.public if k.name == "Default"]
  dsn          = length(local.default_dsns) == 1 ? local.default_dsns[0] : local.active_keys[length(local.active_keys) - 1].dsn.public
}

# terraform_data stands in for what usually consumes a DSN: a Kubernetes
# secret, a CI variable, an application's configuration.
resource "terraform_data" "app_config" {
  input = {
    SENTRY_DSN         = local.dsn
    SENTRY_ENVIRONMENT = "demo"
  }
}

output "key_count" {
  description = "How many keys the project has, active or not."
  value       = length(data.sentry_project_keys.all.keys)
}

output "active_key_count" {
  description = "How many of them are active."
  value       = length(data.sentry_project_keys.active.keys)
}

output "app_config" {
  description = "What the DSN consumer received."
  value       = terraform_data.app_config.output
}

output "keys" {
  description = "Every key, newest first: name, state and public DSN."
  value = [
    for k in data.sentry_project_keys.all.keys :
    format("%-16s %-8s %s", k.name, k.is_active ? "active" : "inactive", k.dsn.public)
  ]
}
