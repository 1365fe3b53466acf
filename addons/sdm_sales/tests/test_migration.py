import importlib.util
from pathlib import Path

from odoo import Command
from odoo.addons.sdm_sales.tools.migration import rename_field
from odoo.tests import TransactionCase, tagged

ADDONS = Path(__file__).resolve().parents[2]


def run_script(addon, version, name, cr):
    """Run a migration script of ``addon`` as Odoo's migration manager does (its file name is no module name)."""
    path = ADDONS / addon / "migrations" / version / name
    spec = importlib.util.spec_from_file_location(f"sdm_migration_{addon}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(cr, version)


@tagged("post_install", "-at_install")
class TestMigration(TransactionCase):
    """Field renames keep the data, the field's record and external ids, and saved filters; a database where
    the rename already happened is left as it is."""

    def _column(self, table, column):
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", (table, column)
        )
        return bool(self.env.cr.fetchone())

    def _xmlids(self, prefix):
        self.env.cr.execute(
            "SELECT module, name FROM ir_model_data WHERE name LIKE %s ORDER BY module, name", (prefix + "%",)
        )
        return self.env.cr.fetchall()

    def test_price_notice_kind_becomes_direction(self):
        product = self.env["product.product"].create({"name": "Renamed Valve"})
        notice = self.env["sdm.price.notice"].create(
            {
                "direction": "increase",
                "product_line_ids": [Command.create({"product_id": product.id, "old_price": 10, "new_price": 11})],
            }
        )
        field = self.env["ir.model.fields"]._get("sdm.price.notice", "direction")
        saved = self.env["ir.filters"].create(
            {"name": "By direction", "model_id": "sdm.price.notice", "context": "{'group_by': ['direction']}"}
        )
        xmlids = self._xmlids("selection__sdm_price_notice__direction__")
        self.assertEqual(len(xmlids), 2)
        self.env.flush_all()
        cr = self.env.cr
        # A database of 18.0.1.2.0, where the field was still ``kind``.
        self.assertTrue(rename_field(cr, "sdm.price.notice", "direction", "kind"))
        self.assertTrue(self._column("sdm_price_notice", "kind"))
        self.assertEqual(self._xmlids("field_sdm_price_notice__kind"), [("sdm_sales", "field_sdm_price_notice__kind")])
        run_script("sdm_sales", "18.0.1.3.0", "pre-migrate-field-names.py", cr)
        self.assertFalse(self._column("sdm_price_notice", "kind"))
        cr.execute("SELECT direction FROM sdm_price_notice WHERE id = %s", (notice.id,))
        self.assertEqual(cr.fetchone()[0], "increase", "the data is kept")
        cr.execute("SELECT id FROM ir_model_fields WHERE model = 'sdm.price.notice' AND name = 'direction'")
        self.assertEqual(cr.fetchone()[0], field.id, "the same field record: tracking history follows")
        self.assertEqual(
            self._xmlids("field_sdm_price_notice__direction"), [("sdm_sales", "field_sdm_price_notice__direction")]
        )
        self.assertEqual(self._xmlids("selection__sdm_price_notice__direction__"), xmlids)
        cr.execute("SELECT context FROM ir_filters WHERE id = %s", (saved.id,))
        self.assertEqual(cr.fetchone()[0], "{'group_by': ['direction']}")
        self.assertFalse(rename_field(cr, "sdm.price.notice", "kind", "direction"), "already renamed: nothing to do")
        self.env.invalidate_all()

    def test_sdm_sequences_become_gapless_keeping_their_next_number(self):
        sequence = self.env.ref("sdm_sales.seq_sdm_price_notice")
        sequence.implementation = "standard"
        Sequence = self.env["ir.sequence"]
        drawn = [Sequence.next_by_code("sdm.price.notice") for _i in range(3)]
        run_script("sdm_sales", "18.0.1.3.0", "post-migrate-gapless-numbers.py", self.env.cr)
        self.assertEqual(sequence.implementation, "no_gap")
        following = Sequence.next_by_code("sdm.price.notice")
        self.assertEqual(int(following.rsplit("/", 1)[-1]), int(drawn[-1].rsplit("/", 1)[-1]) + 1)
        run_script("sdm_sales", "18.0.1.3.0", "post-migrate-gapless-numbers.py", self.env.cr)
        self.assertEqual(
            int(Sequence.next_by_code("sdm.price.notice").rsplit("/", 1)[-1]), int(following.rsplit("/", 1)[-1]) + 1
        )
