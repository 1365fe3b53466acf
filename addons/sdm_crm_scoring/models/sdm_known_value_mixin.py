from odoo import api, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class SdmKnownValueMixin(models.AbstractModel):
    """Averages of scores only over the rows that have one: a customer never reviewed, or a review not scored
    yet, has no score, and a stored float cannot say so (the ORM stores 0). ``_sdm_known_if`` maps a value field
    to the boolean field that says the value exists; grouped averages (list groups, pivot, graph) skip the rows
    where it is false, the way SQL's AVG skips NULL."""

    _name = "sdm.known.value.mixin"
    _description = "SDM Averages of Known Values"
    _sdm_known_if = {}

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            known = self._sdm_known_if.get(fname)
            if known and func == "avg" and not property_name:
                return SQL(
                    "AVG(%s) FILTER (WHERE %s)",
                    self._field_to_sql(self._table, fname, query),
                    self._field_to_sql(self._table, known, query),
                )
        return super()._read_group_select(aggregate_spec, query)
