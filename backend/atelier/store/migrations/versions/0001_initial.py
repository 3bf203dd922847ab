"""The event log, boards, commands, credentials and snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_board_code", "board", ["code"], unique=True)
    op.create_table(
        "event",
        sa.Column("board_id", sa.String(40), sa.ForeignKey("board.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("public", sa.Text(), nullable=True),
        sa.Column("subjects", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(40), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "command",
        sa.Column("board_id", sa.String(40), primary_key=True),
        sa.Column("actor", sa.String(40), primary_key=True),
        sa.Column("cid", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "credential",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("board_id", sa.String(40), sa.ForeignKey("board.id"), nullable=False),
        sa.Column("participant_id", sa.String(40), nullable=False),
    )
    op.create_index("ix_credential_board_id", "credential", ["board_id"])
    op.create_table(
        "snapshot",
        sa.Column("board_id", sa.String(40), sa.ForeignKey("board.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("state", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("snapshot")
    op.drop_index("ix_credential_board_id", "credential")
    op.drop_table("credential")
    op.drop_table("command")
    op.drop_table("event")
    op.drop_index("ix_board_code", "board")
    op.drop_table("board")
