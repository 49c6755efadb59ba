# One key per service and environment, with a rate limit and the JavaScript
# loader pinned.
resource "sentry_project_key" "web_prod" {
  organization = "acme"
  project      = "web"
  name         = "web (production)"

  rate_limit = {
    window = 3600 # seconds
    count  = 10000
  }

  browser_sdk_version = "10.x"
  dynamic_sdk_loader_options = {
    has_replay      = true
    has_performance = true
    has_debug       = false
  }

  lifecycle {
    # Deleting a key stops every client that uses its DSN.
    prevent_destroy = true
  }
}

# The least a key needs: Sentry picks its name, and the project's defaults
# apply.
resource "sentry_project_key" "ci" {
  organization = "acme"
  project      = "web"
}

# Feed the DSN to whatever needs it: the DSN does not change when the key is
# renamed, rate-limited or deactivated, so consumers are not updated then.
resource "kubernetes_secret" "sentry" {
  metadata {
    name = "sentry"
  }
  data = {
    SENTRY_DSN = sentry_project_key.web_prod.dsn.public
  }
}
