from datetime import date

from odoo import Command

from .common import SdmSalesCommon

D = date(2026, 10, 1)  # effective date of the notices


class CompensationCommon(SdmSalesCommon):
    """Customer A bought the valve at different prices before the effective date (1 Oct 2026):

    * 1 Jun: 10 at 100 (before the 90-day window, which starts on 3 Jul);
    * 1 Aug: 10 at 95;
    * 1 Sep: 10 at 100 less 10 % = 90 net;
    * 10 Sep: 4 refunded.

    A reported its stock on 15 Jul (20 held, 3 sold since the previous report) and 20 Sep (12 held, 5 sold).
    The valve goes from 100 to 80.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.valve = cls.env["product.product"].create(
            {"name": "Valve", "type": "consu", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.currency = cls.company.currency_id
        cls.company.write(
            {
                "sdm_compensation_basis": "min",
                "sdm_compensation_lookback_days": 90,
                "sdm_compensation_settlement": "credit_note",
            }
        )
        cls.env.ref("sdm_sales.product_sdm_compensation").taxes_id = [Command.clear()]
        cls.inv_jun = cls._invoice(cls.customer_a, 10, 100, date(2026, 6, 1))
        cls.inv_aug = cls._invoice(cls.customer_a, 10, 95, date(2026, 8, 1))
        cls.inv_sep = cls._invoice(cls.customer_a, 10, 100, date(2026, 9, 1), discount=10)
        cls.refund = cls._invoice(cls.customer_a, 4, 90, date(2026, 9, 10), move_type="out_refund")
        Stock = cls.env["sdm.channel.stock"]
        Stock.create(
            [
                {
                    "partner_id": cls.customer_a.id,
                    "product_id": cls.valve.id,
                    "date": date(2026, 7, 15),
                    "quantity": 20,
                    "quantity_sold": 3,
                },
                {
                    "partner_id": cls.customer_a.id,
                    "product_id": cls.valve.id,
                    "date": date(2026, 9, 20),
                    "quantity": 12,
                    "quantity_sold": 5,
                },
            ]
        )
        cls.manager = cls._new_user("sales.manager", "sales_team.group_sale_manager")

    @classmethod
    def _invoice(cls, partner, qty, price, when, discount=0.0, move_type="out_invoice", product=None):
        return cls._create_invoice(
            partner, [(product or cls.valve, qty, price)], when, move_type=move_type, line_vals={"discount": discount}
        )

    def _notice(self, new_price=80.0, old_price=100.0, **vals):
        return self.env["sdm.price.notice"].create(
            {
                "effective_date": D,
                "product_line_ids": [
                    Command.create({"product_id": self.valve.id, "old_price": old_price, "new_price": new_price})
                ],
                **vals,
            }
        )

    def _line(self, notice, partner=None):
        return notice.line_ids.filtered(lambda line: line.partner_id == (partner or self.customer_a))
