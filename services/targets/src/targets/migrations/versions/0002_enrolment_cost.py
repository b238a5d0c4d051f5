"""targets: the cost of each confirmed place, for CPD spend per head (satisfaction_with_investment)

Places kept before this revision have no cost (null) until the read model is rebuilt from the stored events
(python -m targets.entrypoints.rebuild).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('cost')
