from datetime import date

from odoo import Command

from .rebate_common import RebateCommon


class TestRebateEngine(RebateCommon):
    """The settlement run leaves the transaction as it found it: no working table left behind, the planner
    settings of a large run put back to what they were (not to the defaults), the counted documents on the
    settlement's declared field."""

    def _temp_tables(self):
        self.env.cr.execute(
            """
            SELECT array_agg(relname ORDER BY relname) FROM pg_class
             WHERE relname LIKE 'sdm_rb%' AND relpersistence = 't' AND pg_table_is_visible(oid)
            """
        )
        return self.env.cr.fetchone()[0] or []

    def test_no_working_table_left_and_documents_on_the_settlement(self):
        self._q1()
        agreement = self._agreement()
        q1 = self._settle(agreement, date(2026, 3, 31))
        self._invoice(date(2026, 3, 20), 1000, move_type="out_refund")
        self.env["sdm.rebate.settlement"]._sdm_prepare(agreement, date(2026, 6, 30), "partial")
        agreement.invalidate_recordset(["late_pending_count"])
        self.assertFalse(agreement.late_pending_count, "carried by the partial settlement of Q2")
        self.assertEqual(self._temp_tables(), [])
        documents = q1.counted_documents
        self.assertEqual(sorted(documents["amount"]), [-500, 2000, 4000])
        self.assertEqual(documents["adjustment"], [False, False, False])
        self.assertEqual(len(documents["move"]), len(documents["date"]))

    def test_large_run_restores_the_planner_settings(self):
        partners = self.env["res.partner"].create([{"name": f"Dealer {i}", "is_company": True} for i in range(201)])
        agreement = self._agreement(partner_ids=[Command.set(partners.ids)])
        self._invoice(date(2026, 2, 1), 1000, partner=partners[0])
        cr = self.env.cr
        for nestloop, work_mem in (("off", "8MB"), ("on", "6MB")):
            cr.execute(f"SET LOCAL enable_nestloop = {nestloop}; SET LOCAL work_mem = '{work_mem}'")
            basis = agreement._sdm_basis([(agreement, date(2026, 1, 1), date(2026, 3, 31))])
            self.assertEqual(basis[(0, partners[0].id)], (1000.0, 0.0), "no unit on an amount agreement")
            cr.execute("SELECT current_setting('enable_nestloop'), current_setting('work_mem')")
            self.assertEqual(cr.fetchone(), (nestloop, work_mem))
        self.assertEqual(self._temp_tables(), [])
