"""Talk to Greenhouse Harvest v3."""
