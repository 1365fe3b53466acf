"""A rebate settlement's ``kind`` (partial, final, correction) is now ``settlement_type``, as on the settle
wizard. Renamed before the registry loads, keeping the data (see ``rename_field``)."""

from odoo.addons.sdm_sales.tools.migration import rename_field


def migrate(cr, version):
    rename_field(cr, "sdm.rebate.settlement", "kind", "settlement_type")
    rename_field(cr, "sdm.rebate.settle.wizard", "kind", "settlement_type")
