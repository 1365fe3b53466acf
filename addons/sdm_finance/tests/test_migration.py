from datetime import date

from odoo.addons.sdm_sales.tests.test_migration import run_script
from odoo.addons.sdm_sales.tools.migration import rename_field
from odoo.tests import tagged

from .rebate_common import RebateCommon


@tagged("post_install", "-at_install")
class TestFinanceMigration(RebateCommon):
    """18.0.1.3.0 renames ``kind`` on customer balances (whose ``rebate`` value this addon adds) and rebate
    settlements, keeping data and external ids."""

    def _xmlids(self, prefix):
        self.env.cr.execute("SELECT module, name FROM ir_model_data WHERE name LIKE %s ORDER BY name", (prefix + "%",))
        return self.env.cr.fetchall()

    def test_settlement_and_balance_types_are_renamed_with_their_data(self):
        self._q1()
        agreement = self._agreement(frequency="end", settlement_mode="balance")
        settlement = self._settle(agreement, date(2026, 12, 31))
        self.assertEqual(settlement.balance_id.balance_type, "rebate")
        balance_xmlids = self._xmlids("selection__sdm_customer_balance__balance_type__")
        self.assertIn(("sdm_finance", "selection__sdm_customer_balance__balance_type__rebate"), balance_xmlids)
        settlement_xmlids = self._xmlids("selection__sdm_rebate_settlement__settlement_type__")
        self.assertEqual(len(settlement_xmlids), 3)
        self.env.flush_all()
        cr = self.env.cr
        # A database of 18.0.1.2.0.
        rename_field(cr, "sdm.customer.balance", "balance_type", "kind")
        rename_field(cr, "sdm.rebate.settlement", "settlement_type", "kind")
        self.assertEqual(len(self._xmlids("selection__sdm_customer_balance__kind__")), len(balance_xmlids))
        run_script("sdm_sales", "18.0.1.3.0", "pre-migrate-field-names.py", cr)
        run_script("sdm_finance", "18.0.1.3.0", "pre-migrate-field-names.py", cr)
        self.assertEqual(self._xmlids("selection__sdm_customer_balance__balance_type__"), balance_xmlids)
        self.assertEqual(self._xmlids("selection__sdm_rebate_settlement__settlement_type__"), settlement_xmlids)
        cr.execute(
            "SELECT st.settlement_type, b.balance_type FROM sdm_rebate_settlement st "
            "JOIN sdm_customer_balance b ON b.id = st.balance_id WHERE st.id = %s",
            (settlement.id,),
        )
        self.assertEqual(cr.fetchone(), ("final", "rebate"))
        self.env.invalidate_all()
