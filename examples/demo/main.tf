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

# Every key of the project, through all of Sentry's pages. It is read after
# the key below is created, so that the list includes it and a second plan
# has nothing to change.
data "sentry_project_keys" "all" {
  organization = var.organization
  project      = var.project

  depends_on = [sentry_project_key.demo]
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

# A key of its own for the demo's service, managed by Terraform: at most 1,000 error
# events and security reports per hour (spans, logs and metrics are not
# counted), loader settings pinned. Applying twice changes nothing.
resource "sentry_project_key" "demo" {
  organization = var.organization
  project      = var.project
  name         = "demo (terraform)"
  rate_limit = {
    window = 3600
    count  = 1000
  }
  browser_sdk_version = "9.x"
  dynamic_sdk_loader_options = {
    has_replay      = false
    has_performance = true
  }
}

# terraform_data stands in for what usually consumes a DSN: a Kubernetes
# secret, a CI variable, an application's configuration.
resource "terraform_data" "app_config" {
  input = {
    SENTRY_DSN         = sentry_project_key.demo.dsn.public
    SENTRY_DEFAULT_DSN = data.sentry_project_key.default.dsn.public
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

output "managed_key" {
  description = "The key Terraform created and manages."
  value = {
    id         = sentry_project_key.demo.id
    name       = sentry_project_key.demo.name
    dsn        = sentry_project_key.demo.dsn.public
    rate_limit = "${sentry_project_key.demo.rate_limit.count} error events per ${sentry_project_key.demo.rate_limit.window} s"
  }
}

output "app_config" {
  description = "What the DSN consumer received."
  value       = terraform_data.app_config.output
}
