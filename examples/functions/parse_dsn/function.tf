# Terraform 1.8 and later.
data "sentry_project_key" "default" {
  organization = "acme"
  project      = "web"
  name         = "Default"
}

locals {
  dsn = provider::sentry::parse_dsn(data.sentry_project_key.default.dsn.public)
}

# For a collector or a proxy that wants the parts rather than the DSN:
output "sentry_ingest" {
  value = {
    host       = local.dsn.host       # o4504765715316736.ingest.us.sentry.io
    project_id = local.dsn.project_id # 4505281256090153
    public_key = local.dsn.public_key
    envelope   = "${local.dsn.api_url}envelope/"
  }
}
