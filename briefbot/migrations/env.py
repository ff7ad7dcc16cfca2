"""Alembic's environment: migrate the connection `briefbot.migrate.upgrade` hands over."""

from alembic import context

from briefbot.tables import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,  # lets `alembic revision --autogenerate` draft a new revision
)
with context.begin_transaction():
    context.run_migrations()
