"""A Greenhouse Harvest v3 server for demos and tests."""
