# Manage the key Sentry created with the project ("Default") instead of a
# second one: find its id with the data source and import it
# (Terraform 1.6 and later take an expression as the import id).
data "sentry_project_key" "default" {
  organization = "acme"
  project      = "web"
  first        = true
}

import {
  to = sentry_project_key.default
  id = "acme/web/${data.sentry_project_key.default.id}"
}

resource "sentry_project_key" "default" {
  organization = "acme"
  project      = "web"
  name         = "Default"
}
