# Every project's keys in a handful of requests: ceil(keys/100) plus
# ceil(projects/100), instead of at least one request per project.
data "sentry_organization_project_keys" "acme" {
  organization = "acme"
  status       = "active"
}

# Feed each project's public DSN into a resource with for_each: here one
# Kubernetes secret per project, in the namespace named after it.
resource "kubernetes_secret" "sentry" {
  for_each = {
    for slug, p in data.sentry_organization_project_keys.acme.projects :
    slug => one([for k in p.keys : k.dsn.public if k.name == "Default"])
    if length(p.keys) > 0
  }

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
