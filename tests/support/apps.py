"""Helpers for tests that hold an app."""

from __future__ import annotations

from flask import Flask

from backend.config import Settings


def settings_of(app: Flask) -> Settings:
    """The settings the app was made with."""
    return app.extensions["sourcebridge"].settings
