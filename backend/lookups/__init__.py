"""Feature: a LinkedIn profile in, the email and Greenhouse status out (the LookupResult)."""
