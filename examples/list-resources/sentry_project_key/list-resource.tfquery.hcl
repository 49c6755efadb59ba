# keys.tfquery.hcl: every key of acme/web, for terraform query (Terraform 1.14+).
list "sentry_project_key" "web" {
  provider = sentry
  limit    = 1000 # Terraform stops at 100 results unless told otherwise

  # Return whole resource objects too, so that -generate-config-out writes
  # each key's arguments as Sentry has them.
  include_resource = true

  config {
    organization = "acme"
    project      = "web"
    status       = "active" # optional: "active" or "inactive"
  }
}
