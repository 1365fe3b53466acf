from datetime import date

from odoo.addons.sdm_sales.tests.common import SdmSalesCommon


class WriteoffCommon(SdmSalesCommon):
    """Customer A (salesperson A, Shanghai Branch) owes invoices without taxes; receipts are dated 1 March 2026.
    Write-off: no key but the customer, strict mode, automatic write-off after posting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "sdm_writeoff_key_branch": False,
                "sdm_writeoff_key_salesperson": False,
                "sdm_writeoff_key_order": False,
                "sdm_writeoff_key_reference": False,
                "sdm_writeoff_mode": "strict",
                "sdm_writeoff_on_receipt": "auto",
            }
        )

    @classmethod
    def _invoice(cls, amount, due, partner=None, when=date(2026, 1, 5), **vals):
        return cls._create_invoice(
            partner or cls.customer_a, [(cls.product, 1, amount)], when, invoice_date_due=due, **vals
        )

    @classmethod
    def _receipt(cls, amount, partner=None, post=True, **vals):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": (partner or cls.customer_a).id,
                "amount": amount,
                "date": date(2026, 3, 1),
                **vals,
            }
        )
        if post:
            payment.action_post()
        return payment

    @staticmethod
    def _receivable(moves):
        return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def _open(self, move):
        """What is still open on the receivable items of ``move`` (positive on invoices, negative on receipts)."""
        return sum(self._receivable(move).mapped("amount_residual"))

    def _applied(self, payment):
        """What of ``payment`` is applied (written off)."""
        return payment.amount + self._open(payment.move_id)
