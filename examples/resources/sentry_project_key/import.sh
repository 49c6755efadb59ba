# A key is imported by organization, project and key id (its public key).
terraform import sentry_project_key.web_prod acme/web/0123456789abcdef0123456789abcdef
