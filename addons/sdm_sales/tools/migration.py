"""Helpers of the SDM addons' migration scripts (``migrations/<version>/pre-migrate-*.py``)."""

from odoo.tools import SQL, sql


def rename_field(cr, model, old, new):
    """Rename the stored field ``old`` of ``model`` to ``new`` before the registry loads, keeping its data:
    the column, the field's record (so tracking history, user defaults and access follow), the external ids of
    the field and of its selection values (in every addon that declares or extends them) and saved filters
    that group or filter by it. Does nothing when the column is already renamed (or never existed), so a
    script can run again. Returns whether it renamed."""
    table = model.replace(".", "_")
    if not sql.column_exists(cr, table, old) or sql.column_exists(cr, table, new):
        return False
    sql.rename_column(cr, table, old, new)
    cr.execute(SQL("UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s", new, model, old))
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET name = %(new_xmlid)s
             WHERE model = 'ir.model.fields' AND name = %(old_xmlid)s
            """,
            new_xmlid=f"field_{table}__{new}",
            old_xmlid=f"field_{table}__{old}",
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET name = %(new_prefix)s || substr(name, length(%(old_prefix)s) + 1)
             WHERE model = 'ir.model.fields.selection' AND starts_with(name, %(old_prefix)s)
            """,
            new_prefix=f"selection__{table}__{new}__",
            old_prefix=f"selection__{table}__{old}__",
        )
    )
    for quote in ("'", '"'):
        cr.execute(
            SQL(
                """
                UPDATE ir_filters
                   SET domain = replace(domain, %(old)s, %(new)s), context = replace(context, %(old)s, %(new)s)
                 WHERE model_id = %(model)s AND (domain LIKE %(pattern)s OR context LIKE %(pattern)s)
                """,
                old=f"{quote}{old}{quote}",
                new=f"{quote}{new}{quote}",
                model=model,
                pattern=f"%{quote}{old}{quote}%",
            )
        )
    return True
