"""Create model_inference_logs.

Revision ID: 002
Revises: 001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "002"
down_revision = "001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_inference_logs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("endpoint_name", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("inputs", JSONB, nullable=False),
        sa.Column("predictions", JSONB, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("execution_time_ms", sa.Float, nullable=False),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_model_inference_logs_user_id", "model_inference_logs", ["user_id"])
    op.create_index("ix_model_inference_logs_request_id", "model_inference_logs", ["request_id"])
    op.create_index(
        "ix_model_inference_logs_user_created", "model_inference_logs", ["user_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_model_inference_logs_user_created", table_name="model_inference_logs")
    op.drop_index("ix_model_inference_logs_request_id", table_name="model_inference_logs")
    op.drop_index("ix_model_inference_logs_user_id", table_name="model_inference_logs")
    op.drop_table("model_inference_logs")
