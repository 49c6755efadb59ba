# Terraform 1.10 and later. The keys, secrets included, exist only while
# Terraform runs: nothing of them is written to the plan or the state.
ephemeral "sentry_project_keys" "web" {
  organization = "acme"
  project      = "web"
  status       = "active"

  # Fail unless exactly one key is named "Default": one() below would give
  # null, not an error, when none is.
  lifecycle {
    postcondition {
      condition     = length([for k in self.keys : k.id if k.name == "Default"]) == 1
      error_message = "Project acme/web must have exactly one active key named \"Default\"."
    }
  }
}

locals {
  sentry_secret_dsn = one([for k in ephemeral.sentry_project_keys.web.keys : k.dsn.secret if k.name == "Default"])
}

# Feed the legacy secret DSN into another provider's configuration...
provider "example" {
  sentry_dsn = local.sentry_secret_dsn
}

# ...or into a write-only attribute (Terraform 1.11 and later), such as
# aws_secretsmanager_secret_version's secret_string_wo.
resource "aws_secretsmanager_secret_version" "sentry" {
  secret_id                = "sentry-dsn"
  secret_string_wo         = local.sentry_secret_dsn
  secret_string_wo_version = 1
}
