"""Rebate settlements keep the documents they counted in the declared field ``counted_documents`` (jsonb).

Before 18.0.1.2.0 they were six array columns added to the table by ``init()`` (and, earlier still, rows of a
table ``sdm_rebate_settlement_line`` that is now a view). Runs before the models are loaded: the old table is
dropped, the arrays are copied into ``counted_documents`` (which the ORM then finds in place) and dropped with
the view that read them; ``init()`` creates the view again on the new column."""

from odoo.tools import SQL

ARRAYS = {
    "move": "counted_move_ids",
    "partial": "counted_partial_ids",
    "date": "counted_dates",
    "amount": "counted_amounts",
    "qty": "counted_qtys",
    "adjustment": "counted_adjustments",
}


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT relkind FROM pg_class WHERE relname = 'sdm_rebate_settlement_line'")
    kind = (cr.fetchone() or [None])[0]
    if kind == "r":
        cr.execute("DROP TABLE sdm_rebate_settlement_line CASCADE")
    elif kind == "v":
        cr.execute("DROP VIEW sdm_rebate_settlement_line")
    cr.execute(
        """
        SELECT count(*) FROM information_schema.columns
         WHERE table_name = 'sdm_rebate_settlement' AND column_name = ANY(%s)
        """,
        [list(ARRAYS.values())],
    )
    if cr.fetchone()[0] != len(ARRAYS):
        return
    cr.execute("ALTER TABLE sdm_rebate_settlement ADD COLUMN IF NOT EXISTS counted_documents jsonb")
    cr.execute(
        SQL(
            "UPDATE sdm_rebate_settlement SET counted_documents = jsonb_build_object(%s) WHERE %s IS NOT NULL",
            SQL(", ").join(SQL("%s, to_jsonb(%s)", key, SQL.identifier(column)) for key, column in ARRAYS.items()),
            SQL.identifier(ARRAYS["move"]),
        )
    )
    cr.execute(
        SQL(
            "ALTER TABLE sdm_rebate_settlement %s",
            SQL(", ").join(SQL("DROP COLUMN %s", SQL.identifier(column)) for column in ARRAYS.values()),
        )
    )
