"""Reusable test doubles (fake DNS, fake mail servers) shared by every test area."""
