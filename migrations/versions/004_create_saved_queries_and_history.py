"""Create saved_queries and sql_query_history (the SQL editor's per-user state).

Revision ID: 004
Revises: 003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "004"
down_revision = "003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_queries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query_text", sa.Text, nullable=False),
        sa.Column("chart", JSONB, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_query_name"),
    )
    op.create_index("ix_saved_queries_user_id", "saved_queries", ["user_id"])
    op.create_table(
        "sql_query_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("statement_id", sa.String(64), nullable=True),
        sa.Column("query_text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=True),
        sa.Column("execution_time_ms", sa.Float, nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index(
        "ix_sql_query_history_user_created", "sql_query_history", ["user_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_sql_query_history_user_created", table_name="sql_query_history")
    op.drop_table("sql_query_history")
    op.drop_index("ix_saved_queries_user_id", table_name="saved_queries")
    op.drop_table("saved_queries")
