import base64
import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.addons.sdm_sales.tests.common import SdmSalesCommon
from odoo.exceptions import AccessError, UserError, ValidationError


class PlanCommon(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.planner = cls._new_user("planner.user", "sdm_sales.group_sdm_planner")
        cls.Plan = cls.env["sdm.sales.plan"]
        cls.product.write({"taxes_id": [Command.clear()], "standard_price": 60.0})

    def _plan(self, year=2026, build=True):
        plan = self.Plan.with_user(self.planner).create({"year": year})
        if build:
            plan.action_build_nodes()
        return plan.with_user(self.env.user)

    def _node(self, plan, record):
        field = {"sdm.region": "region_id", "crm.team": "team_id", "res.users": "user_id"}[record._name]
        return plan.node_ids.filtered(lambda n: n[field] == record)

    @staticmethod
    def _set_months(node, amount, **others):
        node.line_ids.write({"amount": amount, **others})

    @classmethod
    def _invoice(cls, partner, user, team, when, qty, price=100.0, move_type="out_invoice", due=None, reverses=None):
        """A posted invoice (or credit note) of one line; ``due``: its due date, which the receivable journal item
        takes (the overdue rule reads the items); ``reverses``: the invoice a credit note reverses."""
        extra = {"invoice_date_due": due} if due else {}
        if reverses:
            extra["reversed_entry_id"] = reverses.id
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_user_id": user.id,
                "team_id": team.id,
                "invoice_date": when,
                **extra,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product.id, "quantity": qty, "price_unit": price, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move


class TestSalesPlan(PlanCommon):
    def test_structure_and_even_distribution(self):
        plan = self._plan()
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        east, south = self._node(plan, self.region_east), self._node(plan, self.region_south)
        self.assertEqual(east.parent_id | south.parent_id, root)
        self.assertEqual(self._node(plan, self.region_sh).parent_id, east)
        self.assertEqual(self._node(plan, self.user_sales_a).parent_id, self._node(plan, self.branch_sh))
        self.assertEqual(len(root.line_ids), 12)
        self._set_months(root, 1200)
        root.action_distribute_even()
        share = 14400 / len(root.child_ids)  # East and South (and any other top region of the database)
        self.assertEqual((east.amount_total, south.amount_total), (share, share))
        east.action_distribute_even()
        shanghai, hangzhou = self._node(plan, self.region_sh), self._node(plan, self.branch_hz)
        self.assertEqual(east.child_ids, shanghai | hangzhou)
        self.assertEqual((shanghai.amount_total, hangzhou.amount_total), (share / 2, share / 2))
        self.assertEqual((root.variance, east.variance), (0, 0))
        self.assertEqual(plan.amount_total, 14400)
        # Rounding leftovers go to the last child: children always add up.
        self._set_months(east, 100)
        east.action_distribute_even()
        self.assertEqual(sum(east.child_ids.mapped("amount_total")), east.amount_total)

    def test_structure_leaves_out_archived_branches_whatever_the_context(self):
        self.branch_hz.active = False
        plan = self.Plan.with_user(self.planner).with_context(active_test=False).create({"year": 2026})
        plan.action_build_nodes()
        self.assertFalse(self._node(plan, self.branch_hz))
        self.assertTrue(self._node(plan, self.branch_sh))

    def test_distribution_by_last_year(self):
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2025, 5, 1), 30)
        self._invoice(self.customer_c, self.user_sales_c, self.branch_hz, date(2025, 6, 1), 10)
        plan = self._plan()
        east = self._node(plan, self.region_east)
        self._set_months(east, 1000)
        east.action_distribute_last_year()
        shanghai, hangzhou = self._node(plan, self.region_sh), self._node(plan, self.branch_hz)
        self.assertEqual(shanghai.line_ids[0].amount, 750, "3,000 of last year's 4,000")
        self.assertEqual(hangzhou.line_ids[0].amount, 250)

    def test_approval_needs_children_adding_up_then_lock_and_revision(self):
        plan = self._plan()
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        self._set_months(root, 1000)
        plan.action_submit()
        with self.assertRaises(UserError) as caught:
            plan.with_user(self.planner).action_approve()
        self.assertIn("12,000", str(caught.exception).replace("12000.0", "12,000"))
        with self.assertRaises(AccessError):
            plan.with_user(self.user_sales_a).action_approve()
        plan.node_ids.filtered("child_ids").write({"variance_accepted": True})
        plan.with_user(self.planner).action_approve()
        plan.with_user(self.planner).action_lock()
        self.assertEqual(plan.state, "locked")
        with self.assertRaises(UserError):
            root.line_ids[0].amount = 5
        revision = plan.with_user(self.planner)._sdm_revise("Market grew; raise East")
        self.assertEqual((plan.state, revision.state, revision.version), ("superseded", "draft", 2))
        self.assertEqual(revision.previous_id, plan)
        self.assertEqual(plan.revision_ids, revision)
        self.assertEqual(revision.amount_total, 12000, "the revision starts from the locked figures")
        self.assertEqual(len(revision.node_ids), len(plan.node_ids))
        self.assertEqual(plan.node_ids.filtered(lambda n: n.level == "company").amount_total, 12000, "history kept")
        with self.assertRaises(UserError):
            plan.with_user(self.planner)._sdm_revise("again")

    def test_bad_input(self):
        plan = self._plan()
        count = self.Plan.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self.Plan.create({"year": 2026})
        self.assertIn(plan.name, str(caught.exception))
        self.assertEqual(self.Plan.search_count([]), count)
        node = self._node(plan, self.user_sales_a)
        with self.assertRaises(ValidationError):
            node.line_ids[0].amount = -10
        with self.assertRaises(ValidationError) as caught:
            self.env["sdm.sales.plan.node"].create(
                {
                    "plan_id": plan.id,
                    "parent_id": self._node(plan, self.branch_gz).id,
                    "level": "salesperson",
                    "user_id": self.user_sales_a.id,
                }
            )
        self.assertIn("twice", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.env["sdm.sales.plan.line"].create({"node_id": node.id, "month": date(2027, 1, 1)})

    def test_xlsx_round_trip(self):
        plan = self._plan()
        node = self._node(plan, self.user_sales_a)
        wizard = self.env["sdm.sales.plan.xlsx"].create({"plan_id": plan.id, "measure": "amount"})
        wizard.action_export()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        sheet = book.active
        self.assertEqual([sheet.cell(row=3, column=c).value for c in (1, 4, 15)], ["ID", "2026-01", "2026-12"])
        row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == node.id)
        sheet.cell(row=row, column=4).value = 500
        sheet.cell(row=row, column=15).value = 700
        buffer = io.BytesIO()
        book.save(buffer)
        upload = self.env["sdm.sales.plan.xlsx"].create(
            {"plan_id": plan.id, "measure": "amount", "file_data": base64.b64encode(buffer.getvalue())}
        )
        upload.action_import()
        self.assertEqual(node.line_ids.sorted("month").mapped("amount")[0], 500)
        self.assertEqual(node.amount_total, 1200)
        # Unknown node, a word, a negative number: all reported, nothing written.
        sheet.cell(row=row, column=4).value = 900
        sheet.cell(row=row, column=5).value = "lots"
        sheet.cell(row=row, column=6).value = -5
        sheet.cell(row=sheet.max_row + 1, column=1).value = 999999
        sheet.cell(row=sheet.max_row, column=4).value = 1
        buffer = io.BytesIO()
        book.save(buffer)
        upload.file_data = base64.b64encode(buffer.getvalue())
        with self.assertRaises(UserError) as caught:
            upload.action_import()
        message = str(caught.exception)
        self.assertIn("999999", message)
        self.assertIn("lots", message)
        self.assertIn("-5", message)
        self.assertEqual(node.amount_total, 1200, "nothing written")

    def test_achievement_with_refunds_margins_collections_and_forecast(self):
        plan = self._plan()
        node_a = self._node(plan, self.user_sales_a)
        self._set_months(node_a, 1000)
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 10)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 20), 2, move_type="out_refund")
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 500, "payment_date": date(2026, 4, 2)}
        )._create_payments()
        self.env["crm.lead"].create(
            {
                "name": "Big deal",
                "type": "opportunity",
                "user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "expected_revenue": 1000,
                "probability": 50,
            }
        )
        Achievement = self.env["sdm.sales.achievement"]
        Achievement._sdm_refresh(plan, as_of=date(2026, 6, 30))
        march = Achievement.search([("node_id", "=", node_a.id), ("month", "=", date(2026, 3, 1))])
        self.assertEqual(march.actual_amount, 800, "1,000 invoiced, 200 refunded")
        self.assertEqual(march.actual_quantity, 8)
        self.assertEqual(march.actual_margin, 320, "800 less 8 × cost 60")
        self.assertEqual(march.achievement, 80)
        april = Achievement.search([("node_id", "=", node_a.id), ("month", "=", date(2026, 4, 1))])
        self.assertEqual(april.actual_collections, 500)
        east = self._node(plan, self.region_east)
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        for node in (self._node(plan, self.branch_sh), self._node(plan, self.region_sh), east, root):
            row = Achievement.search([("node_id", "=", node.id), ("month", "=", date(2026, 3, 1))])
            self.assertEqual(row.actual_amount, 800, node.name)
        self.assertFalse(
            Achievement.search([("node_id", "=", self._node(plan, self.region_south).id)]).filtered("actual_amount")
        )
        # YTD to June: 6,000 target, 800 actual; run rate 800 × 12 / 6; pipeline 800 + 50 % of 1,000.
        self.assertEqual((node_a.ytd_target, node_a.ytd_actual), (6000, 800))
        self.assertEqual(node_a.ytd_achievement, 13.33)
        self.assertEqual(node_a.forecast_runrate, 1600)
        self.assertEqual(node_a.forecast_pipeline, 1300)
        year = Achievement.read_group([("node_id", "=", node_a.id)], ["achievement"], [])
        self.assertEqual(year[0]["achievement"], round(100 * 800 / 12000, 2), "Σ actual / Σ target")

    def test_split_by_product_category(self):
        categ_motors = self.env["product.category"].create({"name": "Motors"})
        categ_spares = self.env["product.category"].create({"name": "Spares"})
        self.product.categ_id = categ_motors
        spare = self.env["product.product"].create(
            {"name": "Spare belt", "type": "consu", "categ_id": categ_spares.id, "taxes_id": []}
        )
        plan = self._plan()
        node_a = self._node(plan, self.user_sales_a)
        node_a.action_split_by_category()
        motors = node_a.child_ids.filtered(lambda n: n.categ_id == categ_motors)
        spares = node_a.child_ids.filtered(lambda n: n.categ_id == categ_spares)
        self.assertEqual((motors.level, motors.name, motors.scope_region_id), ("category", "Motors", self.region_sh))
        self._set_months(node_a, 1000)
        node_a.action_distribute_even()
        self.assertEqual(node_a.variance, 0)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 10)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_a.id,
                "invoice_user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "invoice_date": date(2026, 3, 12),
                "invoice_line_ids": [Command.create({"product_id": spare.id, "quantity": 1, "price_unit": 50})],
            }
        )
        move.action_post()
        Achievement = self.env["sdm.sales.achievement"]
        Achievement._sdm_refresh(plan, as_of=date(2026, 3, 31))
        march = {
            row.node_id: row.actual_amount
            for row in Achievement.search([("plan_id", "=", plan.id), ("month", "=", date(2026, 3, 1))])
        }
        self.assertEqual((march[node_a], march[motors], march[spares]), (1050, 1000, 50))
        self.assertEqual(march[self._node(plan, self.region_east)], 1050)

    def test_orders_basis_and_ranking(self):
        self.company.sdm_plan_actual_basis = "ordered"
        plan = self._plan()
        for user, amount in ((self.user_sales_a, 100), (self.user_sales_b, 100), (self.user_sales_c, 100)):
            self._set_months(self._node(plan, user), amount)
        for partner, user, qty in ((self.customer_b, self.user_sales_b, 3), (self.customer_c, self.user_sales_c, 1)):
            order = self._create_order(partner, user=user, qty=qty)
            order.action_confirm()
        self.env["sdm.sales.achievement"]._sdm_refresh(plan, as_of=date(2026, 12, 31))
        users = self.user_sales_a | self.user_sales_b | self.user_sales_c
        ranking = self.env["sdm.sales.plan.node"].search(
            [("plan_id", "=", plan.id), ("level", "=", "salesperson"), ("user_id", "in", users.ids)],
            order="ytd_achievement desc",
        )
        self.assertEqual(ranking.user_id, self.user_sales_b | self.user_sales_c | self.user_sales_a)
        self.assertEqual(ranking.mapped("ytd_actual"), [300, 100, 0])

    def test_access_per_role(self):
        plan = self._plan()
        Node = self.env["sdm.sales.plan.node"]
        own = Node.with_user(self.user_sales_a).search([("plan_id", "=", plan.id)])
        self.assertEqual(own.user_id, self.user_sales_a)
        east = Node.with_user(self.user_east_manager).search([("plan_id", "=", plan.id)])
        self.assertIn(self._node(plan, self.user_sales_c), east)
        self.assertIn(self._node(plan, self.region_sh), east)
        self.assertNotIn(self._node(plan, self.region_south), east)
        self.assertEqual(Node.with_user(self.planner).search_count([("plan_id", "=", plan.id)]), len(plan.node_ids))
        with self.assertRaises(AccessError):
            self._node(plan, self.user_sales_a).with_user(self.user_sales_a).write({"proposal_amount": 5})


class TestAllocations(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Allocation = cls.env["sdm.allocation"]
        cls.east_allocation = Allocation.create(
            {
                "product_id": cls.product.id,
                "region_id": cls.region_east.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "quantity": 10,
            }
        )
        cls.south_allocation = Allocation.create(
            {
                "product_id": cls.product.id,
                "region_id": cls.region_south.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "quantity": 10,
            }
        )

    def test_block_warn_and_transfer(self):
        self.company.sdm_allocation_mode = "block"
        first = self._create_order(self.customer_a, qty=8)  # Shanghai, under East
        first.action_confirm()
        self.assertEqual(self.east_allocation.remaining, 2)
        second = self._create_order(self.customer_c, qty=5)
        with self.assertRaises(UserError) as caught:
            second.action_confirm()
        self.assertIn("2.00 left of the 10.00", str(caught.exception))
        self.assertEqual(second.state, "draft")
        self.company.sdm_allocation_mode = "warn"
        second.action_confirm()
        self.assertEqual(second.state, "sale")
        self.assertIn("exceeds the regional allocation", second.message_ids[0].body)
        transfer = self.env["sdm.allocation.transfer"].create(
            {
                "from_allocation_id": self.south_allocation.id,
                "to_allocation_id": self.east_allocation.id,
                "quantity": 4,
                "reason": "South has no demand",
            }
        )
        with self.assertRaises(AccessError):
            transfer.with_user(self.user_sales_a).action_approve()
        transfer.with_user(self.planner).action_approve()
        self.assertEqual((self.south_allocation.quantity, self.east_allocation.quantity), (6, 14))
        self.assertIn("South has no demand", self.east_allocation.message_ids[0].body)
        too_much = self.env["sdm.allocation.transfer"].create(
            {
                "from_allocation_id": self.south_allocation.id,
                "to_allocation_id": self.east_allocation.id,
                "quantity": 7,
                "reason": "more",
            }
        )
        with self.assertRaises(ValidationError):
            too_much.with_user(self.planner).action_approve()


class TestPlanExport(PlanCommon):
    def test_plan_vs_actual_xlsx_has_a_chart_per_region(self):
        plan = self._plan()
        self._set_months(self._node(plan, self.region_east), 1000)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 10)
        wizard = self.env["sdm.sales.plan.actual.export"].create({"plan_id": plan.id})
        wizard.action_export()
        data = base64.b64decode(wizard.file_data)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        values = [[cell.value for cell in row][:4] for row in sheet.iter_rows(min_row=1)]
        east = next(i for i, row in enumerate(values) if row[0] == "East China")
        self.assertEqual(values[east + 1], ["Month", "Target", "Actual", "Achievement"])
        self.assertEqual(values[east + 4], ["2026-03", 1000, 1000, 1])
        regions = len(plan.node_ids.filtered(lambda n: n.level in ("company", "region")))
        with __import__("zipfile").ZipFile(io.BytesIO(data)) as archive:
            charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        self.assertEqual(len(charts), regions, "one native chart per region (and the company)")


class TestPlanCollections(PlanCommon):
    def test_collections_are_credited_to_whoever_sold(self):
        """A customer handed over to another salesperson pays an invoice of the first one: the collection counts
        for the invoice's salesperson and branch; a receipt not applied yet counts for the customer's."""
        plan = self._plan()
        invoice = self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 10)
        self.customer_a.user_id = self.user_sales_c
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 600, "payment_date": date(2026, 4, 2)}
        )._create_payments()
        advance = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer_b.id,
                "amount": 250,
                "date": date(2026, 4, 20),
            }
        )
        advance.action_post()
        Achievement = self.env["sdm.sales.achievement"]
        Achievement._sdm_refresh(plan, as_of=date(2026, 6, 30))

        def april(record):
            node = self._node(plan, record)
            return Achievement.search([("node_id", "=", node.id), ("month", "=", date(2026, 4, 1))]).actual_collections

        self.assertEqual(april(self.user_sales_a), 600)
        self.assertEqual(april(self.branch_sh), 600)
        self.assertEqual(april(self.user_sales_c), 0, "the customer's salesperson of today sold nothing")
        self.assertEqual(april(self.user_sales_b), 250, "unapplied: the customer's salesperson")
