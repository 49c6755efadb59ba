terraform {
  required_providers {
    sentry = {
      source = "sentrykeys/sentry"
    }
  }
}

# With no arguments the provider reads SENTRY_AUTH_TOKEN and talks to
# https://sentry.io/api/0/.
provider "sentry" {}

# sentry.io's EU region, addressed directly.
provider "sentry" {
  alias  = "eu"
  region = "de"
}

# A self-hosted Sentry, with the token from a variable.
provider "sentry" {
  alias    = "self_hosted"
  base_url = "https://sentry.example.com/"
  token    = var.sentry_token
}

variable "sentry_token" {
  type      = string
  sensitive = true
}
