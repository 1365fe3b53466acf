"""A plan node's ``kind`` (company, region, branch, salesperson, category) is now ``level``, and so is the
achievement's copy of it. Renamed before the registry loads, keeping the data (see ``rename_field``)."""

from odoo.addons.sdm_sales.tools.migration import rename_field


def migrate(cr, version):
    rename_field(cr, "sdm.sales.plan.node", "kind", "level")
    rename_field(cr, "sdm.sales.achievement", "kind", "level")
