"""Feature: the Greenhouse candidate index, its webhook events, and the duplicate check on it."""
