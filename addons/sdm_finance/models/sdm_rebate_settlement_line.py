from odoo import fields, models, tools


class SdmRebateSettlementLine(models.Model):
    """A document counted by a settlement: an invoice or credit note (its lines in the agreement's scope), and
    for collections the payment matched with it. Read-only: the settlement keeps its counted documents in
    arrays (one row per settlement however many invoices it counts), and this view lays them out."""

    _name = "sdm.rebate.settlement.line"
    _description = "Rebate Settlement Line"
    _auto = False
    _order = "settlement_id, date, id"

    settlement_id = fields.Many2one("sdm.rebate.settlement", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partial_id = fields.Many2one("account.partial.reconcile", string="Payment Match", readonly=True)
    date = fields.Date(readonly=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    amount = fields.Monetary(
        readonly=True,
        help="Counted amount: untaxed lines in scope, negative for credit notes; for collections the share paid.",
    )
    qty = fields.Float(
        string="Quantity", digits="Product Unit of Measure", readonly=True, help="In the agreement's unit."
    )
    adjustment = fields.Boolean(readonly=True, help="Dated in an earlier, already settled period: a late adjustment.")

    def init(self):
        self.env["sdm.rebate.settlement"].init()
        # Databases made before the counted documents moved into arrays had a table here.
        self.env.cr.execute("SELECT relkind FROM pg_class WHERE relname = %s", [self._table])
        if (self.env.cr.fetchone() or [None])[0] == "r":
            self.env.cr.execute(f"DROP TABLE {self._table} CASCADE")
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW sdm_rebate_settlement_line AS
            SELECT s.id::bigint * 10000000 + t.ord AS id, s.id AS settlement_id, t.move_id, t.partial_id, t.date,
                   t.amount, t.qty, t.adjustment
              FROM sdm_rebate_settlement s,
                   unnest(s.counted_move_ids, s.counted_partial_ids, s.counted_dates, s.counted_amounts,
                          s.counted_qtys, s.counted_adjustments)
                   WITH ORDINALITY AS t(move_id, partial_id, date, amount, qty, adjustment, ord)
            """
        )
