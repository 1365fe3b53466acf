from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sdm.region.mixin"]

    sdm_price_notice_id = fields.Many2one(
        "sdm.price.notice", string="Price Adjustment", index="btree_not_null", readonly=True, copy=False
    )

    def _sdm_has_region(self):
        return self.is_sale_document(include_receipts=True)

    def _sdm_credit_amount(self):
        """What posting this invoice adds to the exposure: the part not already counted as an uninvoiced order."""
        self.ensure_one()
        from_orders = 0.0
        for line in self.invoice_line_ids.filtered("sale_line_ids"):
            ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
            from_orders += -line.balance * ratio
        return self.company_currency_id.round(self.amount_total_signed - from_orders)

    def _sdm_check_credit_on_posting(self):
        to_check = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft" and m.company_id.sdm_credit_check_invoice
        )
        for company, moves in to_check.grouped("company_id").items():
            documents = []
            for move in moves:
                orders = move.invoice_line_ids.sale_line_ids.order_id
                # With "Count Draft Invoices", a draft not made from an order is already in the exposure.
                counted_as_draft = company.sdm_credit_include_draft_invoices and not orders
                amount = 0.0 if counted_as_draft else move._sdm_credit_amount()
                documents.append((move.commercial_partner_id, amount, orders if len(orders) == 1 else None, move))
            self.env["res.partner"]._sdm_check_credit_documents(company, "invoice", documents)

    def _post(self, soft=True):
        self._sdm_check_credit_on_posting()
        return super()._post(soft=soft)
