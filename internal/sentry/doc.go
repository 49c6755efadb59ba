// Package sentry is a small client for the parts of Sentry's REST API that the
// Terraform provider uses: a project's client keys (DSNs), one client key and
// its create, update and delete, an organization's keys across all projects
// and an organization's projects.
//
// It owns everything about talking to Sentry: the base URL and its accepted
// forms, bearer authentication, the user agent, bounded retries with back-off
// (by method: a create that may have reached Sentry is read back by the
// public key it sent, and sent again only when Sentry has no such key),
// pacing by Sentry's rate-limit headers read on Sentry's clock, cursor
// pagination and typed errors (field errors of a rejected write included). It
// imports no Terraform package, so it can be tested and reused on its own.
package sentry
