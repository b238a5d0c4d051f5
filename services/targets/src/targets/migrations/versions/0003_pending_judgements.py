"""targets: pending_judgements, the targets events have moved and nobody has judged since

The consumer no longer judges targets straight after each event (each judgement reads every member of staff, so
a staff import of N people cost N full judgements); it marks the targets as pending, and they are judged once
per burst, about every half second.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('pending_judgements',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pending_judgements'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('pending_judgements')
