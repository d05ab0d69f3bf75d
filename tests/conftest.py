"""Shared fixtures. Database tests use TEST_DATABASE_URL (PostgreSQL in CI) or a temp SQLite file."""
