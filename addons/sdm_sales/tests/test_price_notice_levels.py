from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form
from odoo.tools import formatLang

from .compensation_common import CompensationCommon, D


class TestPriceNoticeLevels(CompensationCommon):
    """A notice states the new price of each price level (pricelist); each customer is compensated against the
    new price of its own pricelist, the notice's list price standing for the pricelists it does not name.

    The valve lists at 100; distributors pay 90 on their pricelist. The notice takes the list price to 95 and the
    distributor price to 85. Customer B is a distributor; customer A stays on the default pricelist.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.distributor = cls.env["product.pricelist"].create(
            {
                "name": "Distributors",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.valve.id,
                            "compute_price": "fixed",
                            "fixed_price": 90.0,
                        }
                    )
                ],
            }
        )
        # Customer A on a pricelist without a price of the valve: the list price.
        cls.customer_a.property_product_pricelist = cls.env["product.pricelist"].create({"name": "Public"})
        cls.customer_b.property_product_pricelist = cls.distributor

    def _level_notice(self, list_new=95.0, level_new=85.0, level_old=90.0, **vals):
        return self._notice(
            new_price=list_new,
            basis="invoiced",
            price_ids=[
                Command.create(
                    {
                        "product_id": self.valve.id,
                        "pricelist_id": self.distributor.id,
                        "old_price": level_old,
                        "new_price": level_new,
                    }
                )
            ],
            **vals,
        )

    def test_distributor_compensated_against_its_own_price_level(self):
        self._invoice(self.customer_b, 10, 90, date(2026, 9, 15))
        notice = self._level_notice()
        notice.action_compute()
        line_b = self._line(notice, self.customer_b)
        # Paid 90, its level drops to 85: 10 × 5. Against the list price of 95 it would get nothing.
        self.assertEqual((line_b.eligible_qty, line_b.price_paid, line_b.new_price), (10, 90, 85))
        self.assertEqual(line_b.amount, 50.0)
        # Customer A has no level in the notice: the list price. 6 at 90 and 2 at 95 against 95: nothing.
        line_a = self._line(notice, self.customer_a)
        self.assertEqual((line_a.new_price, line_a.amount), (95, 0))
        self.assertEqual(notice.amount_total, 50.0)

    def test_distributor_level_in_another_unit(self):
        """One dozen at 1,080 is 12 units at 90: 12 × (90 − 85) = 60."""
        dozen = self.env.ref("uom.product_uom_dozen")
        self._create_invoice(self.customer_b, [(self.valve, 1, 1080.0, dozen)], date(2026, 9, 15))
        notice = self._level_notice()
        notice.action_compute()
        line_b = self._line(notice, self.customer_b)
        self.assertAlmostEqual(line_b.eligible_qty, 12.0, places=4)
        self.assertAlmostEqual(line_b.price_paid, 90.0, places=2)
        self.assertAlmostEqual(line_b.amount, 60.0, places=2)

    def test_approval_writes_each_level_and_reprices_its_orders(self):
        retail = self.env["product.pricelist"].create(
            {
                "name": "Retail",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.valve.id,
                            "compute_price": "fixed",
                            "fixed_price": 100.0,
                        }
                    )
                ],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_b.id,
                "order_line": [Command.create({"product_id": self.valve.id, "product_uom_qty": 3})],
            }
        )
        self.assertEqual(order.pricelist_id, self.distributor)
        self.assertEqual(order.order_line.price_unit, 90)
        order.action_confirm()
        notice = self._level_notice(update_pricelist=True, reprice_orders=True)
        notice.action_compute()
        self.assertEqual(notice.order_line_ids.new_price, 85, "the order's own price level")
        notice.with_user(self.manager).action_approve()
        self.assertEqual(order.order_line.price_unit, 85)
        self.assertEqual(self.distributor.item_ids.fixed_price, 85, "the distributor level")
        self.assertEqual(retail.item_ids.fixed_price, 95, "a pricelist the notice does not name: the list price")
        self.assertEqual(self.valve.list_price, 95)

    def test_level_of_a_pricelist_only_creates_its_item(self):
        """By pricelist, a named level without an item for the product gets one at its own price."""
        self.distributor.item_ids.unlink()
        notice = self._level_notice(
            scope="pricelist", pricelist_ids=[Command.set(self.distributor.ids)], update_pricelist=True
        )
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        self.assertEqual(self.distributor.item_ids.fixed_price, 85)

    def test_level_prices_are_checked_and_named(self):
        with self.assertRaises(ValidationError) as caught:
            self._level_notice(level_new=92.0)
        message = str(caught.exception)
        self.assertIn("Distributors", message)
        self.assertIn("Valve", message)
        self.assertIn(formatLang(self.env, 92.0, currency_obj=self.currency), message)
        with self.assertRaises(ValidationError) as caught:
            self._notice(
                price_ids=[
                    Command.create(
                        {"product_id": self.product.id, "pricelist_id": self.distributor.id, "new_price": 1.0}
                    )
                ]
            )
        self.assertIn(self.product.display_name, str(caught.exception))
        twice = Command.create({"product_id": self.valve.id, "pricelist_id": self.distributor.id, "new_price": 80.0})
        with self.assertRaises(ValidationError) as caught:
            self._notice(price_ids=[twice, twice])
        self.assertIn("Distributors", str(caught.exception))

    def test_old_prices_filled_from_the_product_and_the_pricelist(self):
        notice = self.env["sdm.price.notice"].create(
            {
                "effective_date": D,
                "product_line_ids": [Command.create({"product_id": self.valve.id, "new_price": 80.0})],
                "price_ids": [
                    Command.create(
                        {"product_id": self.valve.id, "pricelist_id": self.distributor.id, "new_price": 72.0}
                    )
                ],
            }
        )
        self.assertEqual(notice.product_line_ids.old_price, 100.0, "the sales price")
        self.assertEqual(notice.product_line_ids.change_percent, -20.0)
        self.assertEqual(notice.price_ids.old_price, 90.0, "the distributor price")
        self.assertEqual(notice.price_ids.change_percent, -20.0)

    def test_old_prices_filled_in_the_form(self):
        with Form(self.env["sdm.price.notice"]) as form:
            form.effective_date = D
            with form.product_line_ids.new() as line:
                line.product_id = self.valve
                self.assertEqual(line.old_price, 100.0)
                line.new_price = 95.0
            with form.price_ids.new() as level:
                level.product_id = self.valve
                level.pricelist_id = self.distributor
                self.assertEqual(level.old_price, 90.0)
                level.change_percent = -10.0
                self.assertEqual(level.new_price, 81.0)
        notice = form.record
        self.assertEqual(notice.price_ids.mapped("new_price"), [81.0])
        self.assertTrue(notice.name.startswith("PA/"))

    def test_price_error_names_the_product_and_formats_money(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["sdm.price.notice"].create(
                {
                    "effective_date": D,
                    "product_line_ids": [Command.create({"product_id": self.valve.id, "new_price": 100.0})],
                }
            )
        message = str(caught.exception)
        money = formatLang(self.env, 100.0, currency_obj=self.currency)
        self.assertIn(f"Valve goes from {money} to {money}", message)
        self.assertNotIn("0.0 to", message)
