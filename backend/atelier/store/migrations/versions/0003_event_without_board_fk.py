"""PostgreSQL: the event log no longer checks its board with a foreign key.

Why: on PostgreSQL a foreign key check locks the referenced row (FOR KEY SHARE) for every inserted
event, so every group commit wrote a lock onto each board's row and looked it up once per event:
measured here, about a third of PostgreSQL's CPU per command. Every event is appended by the board
service to a board it created in the same transaction as the board's first event, and boards are
never deleted, so the check guarded nothing that can happen. SQLite keeps the constraint (its check is
an index lookup, without a lock, and dropping it there would rebuild the table).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = "event_board_id_fkey"  # PostgreSQL's name for 0001's unnamed constraint


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(NAME, "event", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(NAME, "event", "board", ["board_id"], ["id"])
