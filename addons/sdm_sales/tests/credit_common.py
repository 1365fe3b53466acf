from datetime import timedelta

from odoo import Command, fields

from .common import SdmSalesCommon


class SdmCreditCommon(SdmSalesCommon):
    """A customer with a credit limit of 1,000 in a company in block mode; helpers for invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "sdm_credit_mode": "block",
                "sdm_credit_check_sale": True,
                "sdm_credit_check_delivery": False,
                "sdm_credit_check_invoice": False,
                "sdm_credit_include_draft_invoices": False,
                "sdm_credit_approval_days": 7,
                "sdm_available_qty_mode": "off",
            }
        )
        cls.currency = cls.company.currency_id
        cls.customer_a.write({"sdm_credit_limit": 1000.0, "sdm_credit_overdue_days": 30})
        # No taxes: amounts stay easy to compute by hand.
        cls.product.write({"taxes_id": [Command.clear()]})
        cls.today = fields.Date.context_today(cls.customer_a)
        cls.user_controller_2 = cls._new_user("credit.ctl2", "sdm_sales.group_sdm_credit_controller")

    @classmethod
    def _invoice(cls, partner, amount, days_ago=0, due_days=0, post=True, move_type="out_invoice", currency=None):
        invoice_date = cls.today - timedelta(days=days_ago)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=due_days),
                "currency_id": (currency or cls.currency).id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount=None):
        wizard = cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids)
        vals = {} if amount is None else {"amount": amount}
        return wizard.create(vals)._create_payments()

    @classmethod
    def _payment(cls, partner, amount):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
            }
        )
        payment.action_post()
        return payment

    def _position(self, partner=None):
        partner = (partner or self.customer_a).with_company(self.company)
        partner.invalidate_recordset()
        return partner
