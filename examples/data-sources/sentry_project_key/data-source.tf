# The key named "Default" (an error lists the candidates when no key or
# several keys have that name).
data "sentry_project_key" "default" {
  organization = "acme"
  project      = "web"
  name         = "Default"
}

# One key by id: a single request, however many keys the project has.
data "sentry_project_key" "ci" {
  organization = "acme"
  project      = "web"
  id           = "60120449b6b1d5e45f75561e6dabd80b"
}

# The project's oldest active key: the one Sentry created with the project.
data "sentry_project_key" "original" {
  organization = "acme"
  project      = "web"
  first        = true
  status       = "active"
}

output "web_dsn" {
  value = data.sentry_project_key.default.dsn.public
}
