import base64
import io
from datetime import date

import openpyxl

from odoo import Command

from .action_defaults import default_search, or_defaults, pivot_groupbys
from .compensation_common import CompensationCommon


class TestAnalysisNumbers(CompensationCommon):
    """Channel stock and compensation analyses: the numbers they open on, against hand-computed values."""

    def _stock_total(self, action):
        domain, _groupbys = default_search(self.env, action)
        domain = domain + [("product_id", "=", self.valve.id)]
        return self.env["sdm.channel.stock"].read_group(domain, ["quantity:sum"], [])[0]["quantity"]

    def test_channel_stock_shows_the_latest_level_per_customer_and_product(self):
        """A reported 20 on 15 Jul then 12 on 20 Sep; B reports 7 on 30 Sep: the channel holds 12 + 7 = 19, not
        20 + 12 + 7 = 39. A later report replaces the level; deleting it brings the previous one back."""
        Stock = self.env["sdm.channel.stock"]
        action = "sdm_sales.action_sdm_channel_stock"
        b_report = Stock.create(
            {"partner_id": self.customer_b.id, "product_id": self.valve.id, "date": date(2026, 9, 30), "quantity": 7}
        )
        self.assertEqual(self._stock_total(action), 19)
        november = Stock.create(
            {"partner_id": self.contact_a.id, "product_id": self.valve.id, "date": date(2026, 11, 1), "quantity": 5}
        )
        self.assertEqual(self._stock_total(action), 12, "A's November report (5) replaces its September one")
        november.date = date(2026, 8, 1)
        self.assertEqual(self._stock_total(action), 19, "dated back to August, it is no longer A's latest")
        november.unlink()
        b_report.product_id = self.product
        self.assertEqual(self._stock_total(action), 12, "B's report moved to another product")
        self.assertEqual(
            Stock.search([("is_latest", "=", True), ("partner_id", "=", self.customer_b.id)]).product_id,
            self.product,
        )

    def test_channel_stock_as_of_shows_the_report_date_it_used(self):
        """As of 1 Sep, A's level is its 15 Jul report: the as-of pivot names that date on A's row."""
        action = self.env["sdm.channel.stock.asof"].create({"date": date(2026, 9, 1)}).action_open()
        self.assertIn("2026-09-01", action["name"])
        rows, _cols = pivot_groupbys(self.env, action)
        groups = self.env["sdm.channel.stock"].read_group(action["domain"], ["quantity:sum"], rows, lazy=False)
        self.assertEqual(len(groups), 1)
        date_key = next(key for key in rows if key.startswith("date"))
        self.assertEqual(groups[0]["__range"][date_key]["from"], "2026-07-15")
        self.assertEqual(groups[0]["quantity"], 20)

    def _three_notices(self):
        """Three notices 100 → 80 on the same stock (12 units paid 92.50 on average, 150 each): one approved, one
        computed and waiting for approval, one cancelled."""
        approved, waiting, cancelled = (self._notice(basis="stock") for _i in range(3))
        (approved | waiting | cancelled).action_compute()
        approved.with_user(self.manager).action_approve()
        cancelled.action_cancel()
        self.assertEqual((approved.amount_total, waiting.amount_total), (150, 150))
        self.assertEqual(cancelled.state, "cancel")
        self.assertTrue(cancelled.line_ids, "a cancelled notice keeps its lines")
        return approved, waiting, cancelled

    def test_compensation_analysis_leaves_out_cancelled_notices_one_column_per_month(self):
        approved, waiting, cancelled = self._three_notices()
        action = "sdm_sales.action_sdm_price_notice_line"
        domain, _groupbys = default_search(self.env, action)
        Line = self.env["sdm.price.notice.line"]
        notices = approved | waiting | cancelled
        domain = domain + [("notice_id", "in", notices.ids)]
        self.assertEqual(Line.read_group(domain, ["amount:sum"], [])[0]["amount"], 300, "150 approved + 150 waiting")
        rows, cols = pivot_groupbys(self.env, action)
        self.assertNotIn("notice_id", rows + cols, "one column per notice grows without end")
        columns = Line.read_group(domain, ["amount:sum"], cols, lazy=False)
        self.assertEqual(len(columns), 1, "the three notices take effect the same month")
        self.assertEqual(columns[0]["amount"], 300)

    def test_compensation_statement_holds_approved_notices_only(self):
        approved, waiting, cancelled = self._three_notices()
        for notices in (approved | waiting | cancelled, self.env["sdm.price.notice"]):
            wizard = self.env["sdm.compensation.statement"].create({"notice_ids": [Command.set(notices.ids)]})
            wizard.action_export()
            sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data))).active
            rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
            self.assertEqual([row[0] for row in rows[2:-2]], [approved.name], "only the approved notice")
            self.assertEqual(rows[-1][:1] + rows[-1][8:9], ["Total", 150])

    def test_no_sdm_action_ors_its_default_filters(self):
        """Two default filters in one group of a search view are OR'd ("Date: 2026 or Sales Orders"): no SDM
        window action opens that way."""
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.actions.act_window"), ("module", "=like", "sdm\\_%")]
        )
        self.assertTrue(data)
        for xmlid in data:
            action = self.env["ir.actions.act_window"].browse(xmlid.res_id)
            if not action.res_model or "search_default_" not in (action.context or ""):
                continue
            self.assertEqual(or_defaults(self.env, xmlid.complete_name), [], xmlid.complete_name)
