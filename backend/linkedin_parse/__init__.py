"""Read LinkedIn profile pages."""
