"""Add time to first token and token usage to model_inference_logs (chat and LLM endpoints).

Revision ID: 003
Revises: 002
"""

import sqlalchemy as sa
from alembic import op

revision = "003"
down_revision = "002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "model_inference_logs", sa.Column("time_to_first_token_ms", sa.Float, nullable=True)
    )
    op.add_column("model_inference_logs", sa.Column("prompt_tokens", sa.Integer, nullable=True))
    op.add_column("model_inference_logs", sa.Column("completion_tokens", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("model_inference_logs", "completion_tokens")
    op.drop_column("model_inference_logs", "prompt_tokens")
    op.drop_column("model_inference_logs", "time_to_first_token_ms")
