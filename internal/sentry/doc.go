// Package sentry is the client of Sentry's REST API that the Terraform
// provider uses: client keys (DSNs) of a project or an organization, their
// create, update and delete, and projects. It owns the base URL, bearer
// authentication, retries by method (a create is read back by the public key
// it sent), pacing by Sentry's rate-limit headers, pagination and typed
// errors, and imports no Terraform package.
package sentry
