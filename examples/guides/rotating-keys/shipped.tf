# DSNs built into shipped apps (mobile builds, browser bundles) keep
# reporting with the old key until every user has updated. Keep both keys,
# ship the new DSN, deactivate the old key, and delete it once the plan no
# longer warns that it receives events.
resource "sentry_project_key" "mobile_2026" {
  organization = "acme"
  project      = "mobile"
  name         = "mobile (2026)"
}

resource "sentry_project_key" "mobile_2025" {
  organization = "acme"
  project      = "mobile"
  name         = "mobile (2025)"
  is_active    = false # refuses events from now on; true brings it back
}
