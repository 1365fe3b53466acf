"""``kind`` meant four things; each field now says what it holds: a price notice's ``direction`` (decrease or
increase) and a customer balance's ``balance_type`` (compensation, rebate). Renamed before the registry loads,
keeping the data (see ``rename_field``). The credit aggregates' ``kind`` column is now ``exposure``: their
definition changed, so ``sdm.credit.bucket._sdm_install`` drops and rebuilds them."""

from odoo.addons.sdm_sales.tools.migration import rename_field


def migrate(cr, version):
    rename_field(cr, "sdm.price.notice", "kind", "direction")
    rename_field(cr, "sdm.customer.balance", "kind", "balance_type")
