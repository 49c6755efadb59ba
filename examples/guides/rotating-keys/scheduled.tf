# A new key every 90 days. time_rotating is recreated when its time is up,
# which replace_triggered_by does not see as a change of time_rotating
# itself; terraform_data's input, which takes time_rotating's id, does
# change, and that triggers the rotation.
resource "time_rotating" "web_key" {
  rotation_days = 90
}

resource "terraform_data" "web_key_rotation" {
  input = time_rotating.web_key.id
}

resource "sentry_project_key" "web" {
  organization = "acme"
  project      = "web"
  name         = "web"

  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [terraform_data.web_key_rotation]
  }
}
