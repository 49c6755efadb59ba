// Package sentry is a small client for the parts of Sentry's REST API that the
// Terraform provider reads: a project's client keys (DSNs), one client key, an
// organization's keys across all projects and an organization's projects.
//
// It owns everything about talking to Sentry: the base URL and its accepted
// forms, bearer authentication, the user agent, bounded retries with back-off,
// pacing by Sentry's rate-limit headers, cursor pagination and typed errors. It
// imports no Terraform package, so it can be tested and reused on its own.
package sentry
