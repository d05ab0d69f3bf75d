"""Persistence: SQLAlchemy 2 models, engine/session handling and Alembic migrations."""

from backend.store.database import Database
from backend.store.models import Base

__all__ = ["Base", "Database"]
