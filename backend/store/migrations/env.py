"""Alembic environment: online migrations against the configured URL."""

from alembic import context
from sqlalchemy import pool

from backend.store.database import make_engine
from backend.store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = make_engine(url, poolclass=pool.NullPool)  # one connection, closed afterwards

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
