"""Alembic environment: migrations run from code (``seatside-hub db upgrade``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from hub.db import sqlalchemy_url

config = context.config
engine = create_engine(sqlalchemy_url(config.attributes["database_url"]), poolclass=pool.NullPool)
with engine.connect() as connection:
    # One upgrade at a time, even with several processes starting together.
    connection.exec_driver_sql("SELECT pg_advisory_lock(727201)")
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    connection.exec_driver_sql("SELECT pg_advisory_unlock(727201)")
    connection.commit()
engine.dispose()
