"""Feature: teams, users, API tokens, and the team's Greenhouse integration (its connection)."""
