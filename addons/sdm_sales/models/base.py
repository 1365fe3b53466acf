from odoo import models
from odoo.tools import SQL


class Base(models.AbstractModel):
    _inherit = "base"

    def _sdm_lock_rows(self):
        """The one lock of SDM: serialize SDM work on these records across transactions.

        The rows are locked ``FOR NO KEY UPDATE`` in id order (two transactions locking overlapping sets cannot
        deadlock) until the end of the transaction, and touched (``write_date``). A concurrent transaction that
        locks one of them waits until this one ends; as its REPEATABLE READ snapshot is older than our commit,
        PostgreSQL then refuses it with a serialization error, which Odoo retries with a fresh snapshot: the
        retry sees everything this transaction wrote (balances, settlements, orders), not only these rows.

        Why ``FOR NO KEY UPDATE`` and never ``FOR UPDATE``: every foreign-key check takes ``FOR KEY SHARE`` on
        the referenced row. ``FOR UPDATE`` conflicts with it, so locking a customer that way would make other
        users' new orders, invoices and journal items of that customer wait for us. ``FOR NO KEY UPDATE`` (also
        the mode of the touch, an UPDATE of a non-key column) does not: only the transactions that take this
        lock on the same rows are serialized. The records are re-read afterwards (cache invalidated).
        """
        ids = sorted({record_id for record_id in self._ids if isinstance(record_id, int)})
        if not ids:
            return
        self.flush_recordset()
        table = SQL.identifier(self._table)
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", table, ids))
        if self._log_access:
            self.env.cr.execute(
                SQL("UPDATE %s SET write_date = (now() AT TIME ZONE 'UTC') WHERE id = ANY(%s)", table, ids)
            )
        self.invalidate_recordset()
