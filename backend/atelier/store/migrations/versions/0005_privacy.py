"""Privacy: a board's chosen erasure date, and the tombstones of erased boards.

`board.erase_at_ms` is the date a facilitator chose (NULL: the deployer's retention after the last
activity). `erased_board` keeps the SHA-256 of every erased board's code, so that a code is never
given again, and the board's id for a while, so that rows a racing writer added after the erasure
are found and deleted too.

Revision ID: 0005_privacy
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_privacy"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("board") as batch:
        batch.add_column(sa.Column("erase_at_ms", sa.BigInteger(), nullable=True))
    op.create_table(
        "erased_board",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("board_id", sa.String(40), nullable=False, index=True),
        sa.Column("erased_ms", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_board")
    with op.batch_alter_table("board") as batch:
        batch.drop_column("erase_at_ms")
