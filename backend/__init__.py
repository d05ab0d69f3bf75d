"""Sourcebridge: LinkedIn sourcing to Greenhouse (Harvest v3), self-hosted."""
