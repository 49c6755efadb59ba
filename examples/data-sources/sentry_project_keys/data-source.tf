data "sentry_project_keys" "web" {
  organization = "acme"
  project      = "web"
  status       = "active"

  # Fail the plan unless exactly one key is named "Default". one() alone does
  # not: it returns null when nothing matches, and a null DSN would flow on.
  lifecycle {
    postcondition {
      condition     = length([for k in self.keys : k.id if k.name == "Default"]) == 1
      error_message = "Project acme/web must have exactly one active key named \"Default\"."
    }
  }
}

# The public DSN of the key named "Default": the postcondition above makes
# sure there is exactly one.
output "web_dsn" {
  value = one([for k in data.sentry_project_keys.web.keys : k.dsn.public if k.name == "Default"])
}

# Every active key, by name (two keys of the same name fail the plan).
output "web_dsns" {
  value = { for k in data.sentry_project_keys.web.keys : k.name => k.dsn.public }
}
