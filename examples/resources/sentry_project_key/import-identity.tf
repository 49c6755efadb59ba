# Terraform 1.12 and later.
import {
  to = sentry_project_key.web_prod
  identity = {
    organization = "acme"
    project      = "web"
    id           = "0123456789abcdef0123456789abcdef"
  }
}
