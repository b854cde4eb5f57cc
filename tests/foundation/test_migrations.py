"""The schema comes from migrations only, and they match the models on every database."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from oko import migrations
from oko.db import Database
from oko.models import Base


def test_single_head(database_url: str) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config(database_url))
    assert len(script.get_heads()) == 1


def test_migrated_schema_equals_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_every_table_exists(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_database_is_at_head(database: Database) -> None:
    assert migrations.current_revision(database.engine) in migrations.heads(database.url)


def test_no_column_can_identify_a_student() -> None:
    """Responses and drafts hold answers, never who gave them."""
    forbidden = {"name", "email", "ip", "ip_address", "user_agent", "birth_date", "student_number"}
    for table in ("response", "draft"):
        columns = {c.name for c in Base.metadata.tables[table].columns}
        assert not columns & forbidden, table
