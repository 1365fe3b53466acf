import base64
import io
from datetime import date
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formatLang

from .compensation_common import CompensationCommon, D


class TestPriceCompensation(CompensationCommon):
    def _fixed_pricelist(self, name, price):
        item = {"applied_on": "0_product_variant", "product_id": self.valve.id, "compute_price": "fixed"}
        return self.env["product.pricelist"].create(
            {"name": name, "item_ids": [Command.create(dict(item, fixed_price=price))]}
        )

    def test_basis_stock_fifo_after_refunds_and_discounts(self):
        notice = self._notice(basis="stock")
        notice.action_compute()
        line = self._line(notice)
        # Latest report on or before 1 Oct: 12 held. The refund takes back 4 of the newest invoice (1 Sep, 90 net);
        # the 12 come from 1 Sep (6 at 90) and 1 Aug (6 at 95): 6 × 10 + 6 × 15 = 150.
        self.assertEqual((line.qty_stock, line.eligible_qty, line.qty_source), (12, 12, "stock"))
        self.assertEqual(line.price_paid, 92.5)
        self.assertEqual(line.amount, 150.0)
        sources = line.source_ids.sorted("invoice_date")
        self.assertEqual(sources.move_line_id.move_id, self.inv_aug | self.inv_sep)
        self.assertEqual(sources.mapped("quantity"), [6, 6])
        self.assertEqual(sources.mapped("price_paid"), [95, 90])
        self.assertEqual(notice.state, "computed")
        self.assertEqual(notice.amount_total, 150.0)

    def test_basis_invoiced_net_of_refunds_and_sell_through(self):
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        line = self._line(notice)
        # Window 3 Jul - 30 Sep: 10 + 10 invoiced - 4 refunded = 16; reported sold in the window 3 + 5 = 8 -> 8.
        self.assertEqual((line.qty_invoiced, line.qty_sold, line.eligible_qty), (16, 8, 8))
        # 6 at 90 and 2 at 95: 60 + 30.
        self.assertEqual(line.amount, 90.0)
        self.assertEqual(line.price_paid, 91.25)

    def test_basis_smaller_of_the_two_and_the_setting_default(self):
        notice = self._notice()
        self.assertEqual(notice.basis, "min", "from the company setting")
        notice.action_compute()
        line = self._line(notice)
        self.assertEqual((line.qty_stock, line.eligible_qty, line.qty_source, line.amount), (12, 8, "invoiced", 90.0))
        # Sell-through above what was invoiced never goes below zero.
        self.env["sdm.channel.stock"].create(
            {
                "partner_id": self.customer_a.id,
                "product_id": self.valve.id,
                "date": date(2026, 9, 25),
                "quantity": 0,
                "quantity_sold": 40,
            }
        )
        notice.action_compute()
        self.assertFalse(self._line(notice), "nothing left to compensate")

    def test_never_the_list_price_nor_an_increase(self):
        # Customer C bought at 70 only: above-new-price rule gives nothing; an increase gives nothing.
        self._invoice(self.customer_c, 5, 70, date(2026, 9, 5))
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        line_c = self._line(notice, self.customer_c)
        self.assertEqual((line_c.eligible_qty, line_c.price_paid, line_c.amount), (5, 70, 0))
        increase = self._notice(direction="increase", old_price=100, new_price=110)
        increase.action_compute()
        self.assertFalse(increase.line_ids)

    def test_scope_filters(self):
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        by_region = self._notice(basis="invoiced", scope="region", region_ids=[Command.set(self.region_south.ids)])
        by_region.action_compute()
        self.assertEqual(by_region.line_ids.partner_id, self.customer_b)
        self.assertEqual(by_region.amount_total, 100.0)
        by_customer = self._notice(basis="invoiced", scope="customer", partner_ids=[Command.set(self.contact_a.ids)])
        by_customer.action_compute()
        self.assertEqual(by_customer.line_ids.partner_id, self.customer_a, "a contact stands for its company")
        retail = self.env["product.pricelist"].create({"name": "Retail", "sequence": 1})
        pricelist = self.env["product.pricelist"].create({"name": "Distributors", "sequence": 2})
        self.customer_a.property_product_pricelist = retail
        self.customer_b.property_product_pricelist = pricelist
        by_pricelist = self._notice(basis="invoiced", scope="pricelist", pricelist_ids=[Command.set(pricelist.ids)])
        by_pricelist.action_compute()
        self.assertEqual(by_pricelist.line_ids.partner_id, self.customer_b)

    def test_bad_input_is_refused_and_nothing_written(self):
        Notice = self.env["sdm.price.notice"]
        before = Notice.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._notice(new_price=100.0)
        money = formatLang(self.env, 100.0, currency_obj=self.currency)
        self.assertIn(f"Valve goes from {money} to {money}", str(caught.exception), "prices formatted as money")
        with self.assertRaises(ValidationError) as caught:
            self._notice(new_price=-5.0)
        self.assertIn("-5.0", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._notice(scope="customer")
        self.assertIn("Selected customers", str(caught.exception))
        with self.assertRaises(ValidationError):
            self._notice(lookback_days=0)
        self.assertEqual(Notice.search_count([]), before)

    def test_approval_by_a_sales_manager_with_activities(self):
        notice = self._notice()
        notice.action_compute()
        activity = notice.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertTrue(activity, "the approvers are asked")
        with self.assertRaises(AccessError):
            notice.with_user(self.user_sales_a).action_approve()
        notice.with_user(self.manager).action_approve()
        self.assertEqual(notice.state, "approved")
        self.assertEqual(notice.approved_by_id, self.manager)
        self.assertFalse(notice.activity_ids.filtered(lambda a: a.user_id == self.manager))
        with self.assertRaises(UserError):
            notice.action_compute()
        with self.assertRaises(UserError):
            notice.effective_date = date(2026, 10, 5)

    def test_compute_again_replaces_draft_lines(self):
        notice = self._notice()
        notice.action_compute()
        first = notice.line_ids
        notice.action_compute()
        self.assertFalse(first.exists(), "the previous lines are gone")
        self.assertEqual(len(notice.line_ids), 1)
        self.assertEqual(notice.amount_total, 90.0)

    def test_pricelist_update_and_order_repricing(self):
        pricelist = self._fixed_pricelist("Distributors", 100)
        self.customer_a.property_product_pricelist = pricelist
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [Command.create({"product_id": self.valve.id, "product_uom_qty": 3, "price_unit": 100})],
            }
        )
        order.action_confirm()
        notice = self._notice(
            scope="pricelist", pricelist_ids=[Command.set(pricelist.ids)], update_pricelist=True, reprice_orders=True
        )
        notice.action_compute()
        self.assertEqual(notice.order_line_ids.sale_line_id, order.order_line)
        self.assertEqual(order.order_line.price_unit, 100, "listed for review, not applied yet")
        notice.with_user(self.manager).action_approve()
        self.assertEqual(order.order_line.price_unit, 80)
        self.assertTrue(notice.order_line_ids.applied)
        self.assertEqual(pricelist.item_ids.fixed_price, 80)
        self.assertTrue(notice.pricelist_updated)

    def test_future_prices_change_on_the_effective_date(self):
        pricelist = self._fixed_pricelist("Dealers", 100)
        with freeze_time("2026-09-20"):
            notice = self._notice(scope="pricelist", pricelist_ids=[Command.set(pricelist.ids)], update_pricelist=True)
            notice.action_compute()
            notice.with_user(self.manager).action_approve()
            self.env["sdm.price.notice"]._cron_update_pricelists()
            self.assertEqual(pricelist.item_ids.fixed_price, 100, "not before 1 Oct")
        with freeze_time("2026-10-01"):
            self.env["sdm.price.notice"]._cron_update_pricelists()
            self.assertEqual(pricelist.item_ids.fixed_price, 80)

    def test_credit_note_per_customer_and_settle_twice(self):
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        notice.action_settle()
        self.assertEqual(notice.state, "settled")
        moves = notice.move_ids
        self.assertEqual(len(moves), 2, "one credit note per customer")
        self.assertEqual(set(moves.mapped("move_type")), {"out_refund"})
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        by_partner = {move.partner_id: move.amount_total for move in moves}
        self.assertEqual(by_partner, {self.customer_a: 90.0, self.customer_b: 100.0})
        self.assertEqual(self._line(notice).move_id.partner_id, self.customer_a)
        with self.assertRaises(UserError):
            notice.action_settle()
        self.assertEqual(len(notice.move_ids), 2)

    def test_cancel_reverses_credit_notes(self):
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        notice.action_settle()
        credit_note = notice.move_ids
        notice.action_cancel()
        self.assertEqual(notice.state, "cancel")
        reversal = notice.move_ids - credit_note
        self.assertEqual(reversal.reversed_entry_id, credit_note, "the credit note and its reversal, both linked")
        self.assertEqual((reversal.move_type, reversal.state, reversal.amount_total), ("out_invoice", "posted", 90.0))
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual), "matched by the reversal")
        self.assertIn("Settlement reversed", notice.message_ids[0].body)

    def test_balance_consumed_by_the_next_order_and_cancel(self):
        notice = self._notice(basis="invoiced", settlement_mode="balance")
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        notice.action_settle()
        self.assertFalse(notice.move_ids)
        self.assertEqual(self.customer_a.sdm_compensation_balance, 90.0)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 60})],
            }
        )
        order.order_line.tax_id = [Command.clear()]
        order.action_confirm()
        discount = order.order_line.filtered(lambda line: line.price_unit < 0)
        self.assertEqual(discount.price_unit, -60.0, "up to the order's untaxed amount")
        self.assertEqual(order.amount_untaxed, 0.0)
        self.assertEqual(self.customer_a.sdm_compensation_balance, 30.0)
        # The balance was used: the notice cannot be cancelled, and nothing is written.
        with self.assertRaises(UserError) as caught:
            notice.action_cancel()
        self.assertIn("90.00", str(caught.exception))
        self.assertIn("30.00", str(caught.exception))
        self.assertEqual(notice.state, "settled")
        self.assertEqual(self.customer_a.sdm_compensation_balance, 30.0)
        # A cancelled order gives the balance back; then the notice can be cancelled.
        order._action_cancel()
        self.assertEqual(self.customer_a.sdm_compensation_balance, 90.0)
        self.assertFalse(order.order_line.filtered(lambda line: line.price_unit < 0))
        notice.action_cancel()
        self.assertEqual(self.customer_a.sdm_compensation_balance, 0.0)

    def test_overlapping_notices_never_pay_twice(self):
        first = self._notice(basis="invoiced")
        first.action_compute()
        first.with_user(self.manager).action_approve()
        first.action_settle()
        again = self._notice(basis="invoiced")
        again.action_compute()
        self.assertEqual(again.amount_total, 0.0, "the same invoice quantity at the same price difference")
        self.assertEqual(self._line(again).price_paid, 80.0, "the price paid is net of the earlier compensation")
        # A further decrease pays only the new difference: 8 × (80 - 70).
        further = self._notice(basis="invoiced", old_price=80, new_price=70)
        further.action_compute()
        self.assertEqual(further.amount_total, 80.0)
        with self.assertRaises(ValidationError) as caught:
            self._notice(basis="invoiced").write({"effective_date": date(2026, 9, 15)})
        self.assertIn(first.name, str(caught.exception))

    def test_statement_xlsx(self):
        notice = self._notice(basis="stock")
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        notice.action_settle()
        wizard = self.env["sdm.compensation.statement"].create({"notice_ids": [Command.set(notice.ids)]})
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        self.assertEqual(rows[0][:3], ["Notice", "Effective Date", "Product"])
        self.assertEqual(rows[1][0], "Huadong Distribution")
        line = rows[2]
        self.assertEqual(line[0], notice.name)
        self.assertEqual(line[2], "Valve")
        self.assertEqual(line[3], "Channel stock")
        self.assertEqual(line[4:9], [12, 92.5, 80, 12.5, 150])
        self.assertEqual(line[9], notice.move_ids.name)
        self.assertEqual(rows[3][0], "Subtotal Huadong Distribution")
        self.assertEqual(rows[3][8], 150)
        self.assertEqual(rows[4][0], "Total")
        self.assertEqual(rows[4][8], 150)

    def test_statement_per_unit_is_the_engines(self):
        """Customer C paid 100 for 5 and 70 for 5: the engine pays 5 × 20 + 5 × 0 = 100, 10 per unit — not the
        average price paid (85) minus the new price (80)."""
        self._invoice(self.customer_c, 5, 70, date(2026, 9, 5))
        self._invoice(self.customer_c, 5, 100, date(2026, 9, 10))
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        line = self._line(notice, self.customer_c)
        self.assertEqual((line.eligible_qty, line.price_paid, line.amount), (10, 85, 100))
        notice.with_user(self.manager).action_approve()  # the statement holds approved notices only
        wizard = self.env["sdm.compensation.statement"].create(
            {"notice_ids": [Command.set(notice.ids)], "partner_id": self.customer_c.id}
        )
        wizard.action_export()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        header = rows[0]
        self.assertEqual(rows[2][header.index("Compensation per Unit")], 10)
        self.assertEqual(rows[2][header.index("Compensation")], 100)
        # Totals sit under their column, found from the column definitions.
        self.assertEqual(rows[3][header.index("Compensation")], 100)
        self.assertEqual(rows[4][header.index("Compensation")], 100)
        money = sheet.cell(row=6, column=header.index("Compensation") + 1)
        self.assertEqual(money.number_format, "#,##0.00")
        self.assertTrue(sheet.cell(row=4, column=1).font.bold, "header row")

    def test_xlsx_helper(self):
        """The shared XLSX helper (sdm.xlsx.mixin): text stays text (never a formula), dates and money get their
        formats, totals go under the columns marked to total, wherever they are."""
        book = self.env["sdm.compensation.statement"]._sdm_xlsx_workbook()
        sheet = book.add_sheet("Test")
        table = sheet.table(
            [
                ("name", "Name", "text", 20),
                ("when", "Date", "date", 12),
                ("qty", "Quantity", "qty", 10, True),
                ("note", "Note", "text", 10),
                ("amount", "Amount", "money", 14, True),
            ]
        )
        sheet.title("Title", "Subtitle")
        table.header(2)
        rows = [
            {"name": "=1+1", "when": date(2026, 9, 1), "qty": 2, "amount": 10.5},
            {"name": "@SUM(A1)", "qty": 3, "note": False, "amount": 4},
        ]
        for row, values in enumerate(rows, start=3):
            table.write_row(row, values)
        table.total_row(5, "Total", table.totals(rows))
        sheet = openpyxl.load_workbook(io.BytesIO(book.close())).active
        cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        self.assertEqual(cells[0], ["Name", "Date", "Quantity", "Note", "Amount"])
        self.assertEqual(cells[1][0], "=1+1")
        self.assertEqual(sheet.cell(row=4, column=1).data_type, "s", "text, not a formula")
        self.assertEqual(cells[1][1].date(), date(2026, 9, 1))
        self.assertEqual(sheet.cell(row=4, column=2).number_format, "yyyy-mm-dd")
        self.assertEqual(cells[2][1:4], [None, 3, None])
        self.assertEqual(cells[3], ["Total", None, 5, None, 14.5])
        self.assertTrue(sheet.cell(row=6, column=5).font.bold)
        self.assertEqual(sheet.cell(row=6, column=5).number_format, "#,##0.00")
        self.assertEqual(sheet.column_dimensions["A"].width, 20 + 0.7109375)  # xlsxwriter's padding

    def test_channel_stock_as_of_a_date_and_import(self):
        Stock = self.env["sdm.channel.stock"]
        latest = Stock.browse(Stock._sdm_latest_ids(date(2026, 9, 1)))
        self.assertEqual(latest.mapped("quantity"), [20], "the July report is the latest on 1 Sep")
        latest = Stock.browse(Stock._sdm_latest_ids(date(2026, 10, 1)))
        self.assertEqual(latest.mapped("quantity"), [12])
        action = self.env["sdm.channel.stock.asof"].create({"date": date(2026, 10, 1)}).action_open()
        self.assertEqual(Stock.search(action["domain"]), latest)
        content = "Customer,Product,Date,Stock on Hand\nLingnan Trading,Valve,2026-09-30,7\n"
        importer = self.env["base_import.import"].create(
            {"res_model": "sdm.channel.stock", "file": content.encode(), "file_type": "text/csv"}
        )
        result = importer.execute_import(
            ["partner_id", "product_id", "date", "quantity"],
            ["Customer", "Product", "Date", "Stock on Hand"],
            {"has_headers": True, "separator": ",", "quoting": '"', "date_format": "%Y-%m-%d"},
        )
        self.assertFalse(result["messages"], result["messages"])
        imported = Stock.browse(result["ids"])
        self.assertEqual((imported.partner_id, imported.quantity, imported.source), (self.customer_b, 7, "import"))
        with self.assertRaises(ValidationError):
            Stock.create({"partner_id": self.customer_b.id, "product_id": self.valve.id, "quantity": -1})

    def test_salespeople_see_their_customers_lines_only(self):
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        Line = self.env["sdm.price.notice.line"]
        self.assertEqual(
            Line.with_user(self.user_sales_a).search([("notice_id", "=", notice.id)]).partner_id, self.customer_a
        )
        self.assertEqual(
            Line.with_user(self.user_south_manager).search([("notice_id", "=", notice.id)]).partner_id, self.customer_b
        )
        with self.assertRaises(AccessError):
            notice.with_user(self.user_sales_a).write({"note": "mine"})
        self.assertEqual(D, notice.effective_date)

    def test_large_notice_settles_in_background_batches(self):
        self._invoice(self.customer_b, 5, 100, date(2026, 9, 15))
        self._invoice(self.customer_c, 5, 100, date(2026, 9, 16))
        notice = self._notice(basis="invoiced")
        notice.action_compute()
        notice.with_user(self.manager).action_approve()
        cron = self.env.ref("sdm_sales.ir_cron_sdm_price_notice_settle")
        Progress = self.env["ir.cron.progress"]
        with patch("odoo.addons.sdm_sales.models.sdm_price_notice_settlement.SETTLE_BATCH", 1):
            notice.action_settle()  # 3 customers > 2 × batch: queued for the scheduled action
            self.assertTrue(notice.settle_queued)
            self.assertFalse(notice.move_ids)
            self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), "cron triggered")
            # Each call of the cron runner's loop settles one batch and reports its progress; the runner commits
            # and calls again while customers remain, and stops when it is told nothing remains.
            for moves, remaining in ((1, 2), (2, 1), (3, 0)):
                cron.method_direct_trigger()
                progress = Progress.search([("cron_id", "=", cron.id)], order="id desc", limit=1)
                self.assertEqual((progress.done, progress.remaining), (1, remaining))
                self.assertEqual(len(notice.move_ids), moves)
                self.assertEqual(notice.state, "settled" if moves == 3 else "approved")
            # Idempotent: called again with nothing queued, it pays nobody twice and reports no work.
            cron.method_direct_trigger()
            progress = Progress.search([("cron_id", "=", cron.id)], order="id desc", limit=1)
            self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(len(notice.move_ids), 3, "one credit note per customer, none twice")
        self.assertEqual(len(notice.move_ids.partner_id), 3)
        self.assertEqual((notice.state, notice.settle_queued), ("settled", False))
