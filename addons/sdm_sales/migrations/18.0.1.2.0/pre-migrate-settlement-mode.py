"""Price notices: the field ``settlement`` is now ``settlement_mode``, as on rebate agreements. Renamed before
the registry loads, so nothing is dropped and recreated (see ``rename_field``)."""

from odoo.addons.sdm_sales.tools.migration import rename_field


def migrate(cr, version):
    rename_field(cr, "sdm.price.notice", "settlement", "settlement_mode")
