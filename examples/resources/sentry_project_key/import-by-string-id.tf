import {
  to = sentry_project_key.web_prod
  id = "acme/web/0123456789abcdef0123456789abcdef"
}
