# Rotate the key whenever the generation changes: bump it, and one apply
# creates the new key, hands its DSN to everything that reads it, then
# deletes the old key.
resource "terraform_data" "web_key_generation" {
  input = 1
}

resource "sentry_project_key" "web" {
  organization = "acme"
  project      = "web"
  name         = "web"

  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.web_key_generation]
  }
}
