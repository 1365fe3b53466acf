from odoo.addons.sdm_sales.tests.test_migration import run_script
from odoo.addons.sdm_sales.tools.migration import rename_field
from odoo.tests import tagged

from .test_sales_plan import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanningMigration(PlanCommon):
    def test_node_kind_becomes_level(self):
        plan = self._plan()
        levels = {node.id: node.level for node in plan.node_ids}
        self.assertIn("salesperson", levels.values())
        self.env.flush_all()
        cr = self.env.cr
        rename_field(cr, "sdm.sales.plan.node", "level", "kind")
        run_script("sdm_planning", "18.0.1.3.0", "pre-migrate-field-names.py", cr)
        cr.execute("SELECT id, level FROM sdm_sales_plan_node WHERE plan_id = %s", (plan.id,))
        self.assertEqual(dict(cr.fetchall()), levels)
        self.env.invalidate_all()
