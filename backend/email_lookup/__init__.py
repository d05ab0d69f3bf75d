"""Find and verify work email addresses."""
