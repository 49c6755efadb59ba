# Every project's keys in a handful of requests: ceil(keys/100) plus
# ceil(projects/100), instead of at least one request per project.
data "sentry_organization_project_keys" "acme" {
  organization = "acme"
  status       = "active"
}

locals {
  # The public DSN of each project's key named "Default". A project without
  # exactly one such key is left out here, and the check below says which.
  default_dsns = {
    for slug, p in data.sentry_organization_project_keys.acme.projects :
    slug => one([for k in p.keys : k.dsn.public if k.name == "Default"])
    if length([for k in p.keys : k.id if k.name == "Default"]) == 1
  }
}

check "every_project_has_one_default_key" {
  assert {
    condition = length(local.default_dsns) == length(data.sentry_organization_project_keys.acme.projects)
    error_message = "Projects without exactly one active key named \"Default\": ${join(", ", sort(setsubtract(
      keys(data.sentry_organization_project_keys.acme.projects), keys(local.default_dsns)
    )))}."
  }
}

# One Kubernetes secret per project, in the namespace named after it.
resource "kubernetes_secret" "sentry" {
  for_each = local.default_dsns

  metadata {
    name      = "sentry"
    namespace = each.key
  }
  data = {
    SENTRY_DSN = each.value
  }
}

# Only some projects, and only one team's: filtered without extra requests.
data "sentry_organization_project_keys" "backend" {
  organization  = "acme"
  team          = "backend"
  project_slugs = ["api", "worker"]
}
