data "sentry_project_keys" "web" {
  organization = "acme"
  project      = "web"
  status       = "active"
}

# The public DSN of the key named "Default". one() fails the plan if there is
# no such key or several, instead of silently picking one.
output "web_dsn" {
  value = one([for k in data.sentry_project_keys.web.keys : k.dsn.public if k.name == "Default"])
}

# Every active key, by name.
output "web_dsns" {
  value = { for k in data.sentry_project_keys.web.keys : k.name => k.dsn.public }
}
