from datetime import date

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon


class RebateCommon(SdmSalesCommon):
    """Tiers 0 → 1 %, 1,000 → 2 %, 5,000 → 3 % on the invoiced amount of customer A in 2026, quarterly.
    Q1: 2,000 on 10 Jan, 4,000 on 10 Feb, a 500 credit note on 5 Mar: 5,500 net."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id
        cls.categ_valves = cls.env["product.category"].create({"name": "Valves"})
        cls.valve = cls.env["product.product"].create(
            {"name": "Valve", "type": "consu", "categ_id": cls.categ_valves.id, "taxes_id": [Command.clear()]}
        )
        cls.seal = cls.env["product.product"].create(
            {"name": "Seal", "type": "consu", "categ_id": cls.categ_valves.id, "taxes_id": [Command.clear()]}
        )
        cls.env.ref("sdm_finance.product_sdm_rebate").taxes_id = [Command.clear()]
        cls.company.write({"sdm_rebate_settlement_mode": "credit_note", "sdm_rebate_order_cap_percent": 100})
        cls.user_finance = cls._new_user("finance.user", "sdm_sales.group_sdm_finance")

    @classmethod
    def _invoice(cls, when, amount, partner=None, product=None, move_type="out_invoice", qty=1.0, uom=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer_a).id,
                "invoice_date": when,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.valve).id,
                            "quantity": qty,
                            "product_uom_id": (uom or (product or cls.valve).uom_id).id,
                            "price_unit": amount / qty,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _q1(cls):
        cls._invoice(date(2026, 1, 10), 2000)
        cls._invoice(date(2026, 2, 10), 4000)
        cls._invoice(date(2026, 3, 5), 500, move_type="out_refund")

    def _agreement(self, tiers=((0, 1), (1000, 2), (5000, 3)), activate=True, **vals):
        agreement = self.env["sdm.rebate.agreement"].create(
            {
                "title": "Distributor volume",
                "partner_ids": [Command.set(self.customer_a.ids)],
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "frequency": "quarterly",
                "tier_ids": [Command.create({"threshold": t, "rate": r}) for t, r in tiers],
                **vals,
            }
        )
        if activate:
            agreement.action_activate()
        return agreement

    def _settle(self, agreement, as_of, settlement_type="final", validate=True):
        settlements = self.env["sdm.rebate.settlement"]._sdm_prepare(agreement, as_of, settlement_type)
        if validate:
            settlements.action_validate()
        return settlements
