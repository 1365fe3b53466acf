from odoo import api, models


class SdmRatioMixin(models.AbstractModel):
    """Grouped rows (list, pivot, graph) show ratios as Σ numerator / Σ denominator, never as an average of
    the rows' percentages. ``_sdm_ratios`` maps a ratio field to its (numerator, denominator) fields."""

    _name = "sdm.ratio.mixin"
    _description = "SDM Ratio Totals"
    _sdm_ratios = {}

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        wanted = [name for name in self._sdm_ratios if any(spec.split(":")[0] == name for spec in fields)]
        extra = []
        for name in wanted:
            numerator, denominator = self._sdm_ratios[name]
            extra += [f"sdm_{name}_num:sum({numerator})", f"sdm_{name}_den:sum({denominator})"]
        groups = super().read_group(
            domain, [*fields, *extra], groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        for group in groups:
            for name in wanted:
                numerator = group.pop(f"sdm_{name}_num", 0) or 0.0
                denominator = group.pop(f"sdm_{name}_den", 0) or 0.0
                group[name] = round(100.0 * numerator / denominator, 2) if denominator else False
        return groups
