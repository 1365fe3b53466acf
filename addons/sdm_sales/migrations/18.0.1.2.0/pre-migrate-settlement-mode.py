"""Price notices: the field ``settlement`` is now ``settlement_mode``, as on rebate agreements. The column, the
field's record (so its tracking history and user defaults follow) and the external ids of the field and of its
values are renamed before the registry loads, so nothing is dropped and recreated."""

from odoo.tools import sql


def migrate(cr, version):
    if not sql.column_exists(cr, "sdm_price_notice", "settlement") or sql.column_exists(
        cr, "sdm_price_notice", "settlement_mode"
    ):
        return
    sql.rename_column(cr, "sdm_price_notice", "settlement", "settlement_mode")
    cr.execute(
        """
        UPDATE ir_model_fields
           SET name = 'settlement_mode'
         WHERE model = 'sdm.price.notice' AND name = 'settlement'
        """
    )
    cr.execute(
        """
        UPDATE ir_model_data
           SET name = 'field_sdm_price_notice__settlement_mode'
         WHERE module = 'sdm_sales' AND model = 'ir.model.fields'
           AND name = 'field_sdm_price_notice__settlement'
        """
    )
    cr.execute(
        """
        UPDATE ir_model_data
           SET name = replace(name, '__settlement__', '__settlement_mode__')
         WHERE module = 'sdm_sales' AND model = 'ir.model.fields.selection'
           AND name IN ('selection__sdm_price_notice__settlement__credit_note',
                        'selection__sdm_price_notice__settlement__balance')
        """
    )
