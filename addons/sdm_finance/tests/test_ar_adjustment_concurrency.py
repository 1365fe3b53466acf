# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.sdm_sales.tests.race import two_transactions, write_company_settings
from odoo.tests import TransactionCase


class TestArAdjustmentConcurrency(TransactionCase):
    """Two people transfer the same open invoice (300) to head office at the same moment: the customer's lock
    makes the second wait; it fails with a serialization error as Odoo's request retry expects, and its retry finds
    nothing left to adjust — the invoice is never adjusted twice."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            journal = env["account.journal"].create({"name": "Race adjustments", "code": "RACJ", "type": "general"})
            self.previous = write_company_settings(env, {"sdm_ar_journal_id": journal.id, "sdm_ar_approval_amount": 0})
            product = env["product.product"].create({"name": "Race Valve", "type": "consu", "taxes_id": []})
            partner = env["res.partner"].create({"name": "Race Branch Dealer", "is_company": True})
            head = env["res.partner"].create({"name": "Race Head Office", "is_company": True})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 2, 1),
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1, "price_unit": 300, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            item = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            adjustments = env["sdm.ar.adjustment"].create(
                [
                    {
                        "adjustment_type": "transfer",
                        "partner_id": partner.id,
                        "partner_dest_id": head.id,
                        "move_line_ids": [Command.set(item.ids)],
                        "amount": 300,
                    }
                    for _i in range(2)
                ]
            )
            self.ids_ = {
                "journal": journal.id,
                "product": product.id,
                "partners": [partner.id, head.id],
                "invoice": invoice.id,
                "adjustments": adjustments.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            adjustments = env["sdm.ar.adjustment"].browse(self.ids_["adjustments"])
            moves = [self.ids_["invoice"], *adjustments.move_id.ids]
            cr.execute(
                """
                DELETE FROM account_partial_reconcile
                 WHERE debit_move_id IN (SELECT id FROM account_move_line WHERE move_id = ANY(%(moves)s))
                    OR credit_move_id IN (SELECT id FROM account_move_line WHERE move_id = ANY(%(moves)s))
                """,
                {"moves": moves},
            )
            cr.execute("SELECT full_reconcile_id FROM account_move_line WHERE move_id = ANY(%s)", [moves])
            full = [row[0] for row in cr.fetchall() if row[0]]
            cr.execute("DELETE FROM sdm_ar_adjustment WHERE id = ANY(%s)", [self.ids_["adjustments"]])
            cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])
            cr.execute("DELETE FROM account_full_reconcile WHERE id = ANY(%s)", [full])
            write_company_settings(
                env, {key: value.id if hasattr(value, "id") else value for key, value in self.previous.items()}
            )
            cr.execute("DELETE FROM account_journal WHERE id = %s", [self.ids_["journal"]])
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.ids_["partners"]).unlink()

    def _submit(self, cr, index):
        env = api.Environment(cr, SUPERUSER_ID, {})
        adjustment = env["sdm.ar.adjustment"].browse(self.ids_["adjustments"][index])
        adjustment.action_submit()
        return adjustment.state

    def test_two_transfers_of_one_invoice(self):
        outcome = two_transactions(self.registry, self._submit)
        self.assertEqual(outcome.get("first"), "done")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertIn("not open receivable items", outcome.get("retry", ""))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            adjustments = env["sdm.ar.adjustment"].browse(self.ids_["adjustments"])
            self.assertEqual(adjustments.mapped("state"), ["done", "draft"])
            self.assertEqual(len(adjustments.move_id), 1)
            self.assertEqual(env["account.move"].browse(self.ids_["invoice"]).amount_residual, 0.0)
