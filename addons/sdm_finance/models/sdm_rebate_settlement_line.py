from odoo import fields, models, tools


class SdmRebateSettlementLine(models.Model):
    """A document counted by a settlement: an invoice or credit note (its lines in the agreement's scope), and
    for collections the payment matched with it. Read-only: the settlement keeps its counted documents in
    ``counted_documents`` (one value per settlement however many invoices it counts), and this view lays them
    out, one row per document."""

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
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW sdm_rebate_settlement_line AS
            SELECT s.id::bigint * 10000000 + t.ord AS id, s.id AS settlement_id, t.move_id::int AS move_id,
                   t.partial_id::int AS partial_id, t.date::date AS date, t.amount::numeric AS amount,
                   t.qty::numeric AS qty, t.adjustment::bool AS adjustment
              FROM sdm_rebate_settlement s,
                   ROWS FROM (
                       jsonb_array_elements_text(s.counted_documents -> 'move'),
                       jsonb_array_elements_text(s.counted_documents -> 'partial'),
                       jsonb_array_elements_text(s.counted_documents -> 'date'),
                       jsonb_array_elements_text(s.counted_documents -> 'amount'),
                       jsonb_array_elements_text(s.counted_documents -> 'qty'),
                       jsonb_array_elements_text(s.counted_documents -> 'adjustment')
                   ) WITH ORDINALITY AS t(move_id, partial_id, date, amount, qty, adjustment, ord)
             WHERE s.counted_documents IS NOT NULL
            """
        )
