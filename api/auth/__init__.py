"""Authentication, roles and team isolation of the API (see docs/security.md)."""
