from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _sdm_check_allocations(self):
        """Orders of a region must fit in the region's remaining allocation of scarce products. The allocation
        rows are locked first (``_sdm_lock_rows``), so two confirmations in one region are served one after the
        other (the second fails with a serialization error that Odoo retries, and its retry sees the first)."""
        Allocation = self.env["sdm.allocation"].sudo()
        for order in self:
            mode = order.company_id.sdm_allocation_mode
            if mode == "off" or not order.sdm_region_id:
                continue
            day = order.date_order.date()
            needed = {}
            for line in order.order_line.filtered(lambda line: line.product_id and not line.display_type):
                qty = line.product_uom._compute_quantity(line.product_uom_qty, line.product_id.uom_id)
                needed[line.product_id] = needed.get(line.product_id, 0.0) + qty
            if not needed:
                continue
            allocations = Allocation.search(
                [
                    ("product_id", "in", [p.id for p in needed]),
                    ("region_id", "parent_of", order.sdm_region_id.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                    ("company_id", "=", order.company_id.id),
                ]
            )
            if not allocations:
                continue
            allocations._sdm_lock_rows()
            consumed = allocations._sdm_consumed(exclude_order_ids=order.ids)
            problems = []
            for allocation in allocations:
                left = allocation.quantity - consumed.get(allocation.id, 0.0)
                if needed[allocation.product_id] > left:
                    problems.append((allocation, needed[allocation.product_id], left))
            if not problems:
                continue

            def message(reader, order=order, problems=problems):
                qty = lambda value: reader._sdm_number(value, dp="Product Unit of Measure")  # noqa: E731
                lines = [
                    reader.env._(
                        "%(product)s: %(qty)s ordered, %(left)s left of the %(allocated)s allocated to %(region)s",
                        product=allocation.product_id.with_env(reader.env).display_name,
                        qty=qty(ordered),
                        left=qty(left),
                        allocated=qty(allocation.quantity),
                        region=allocation.region_id.name,
                    )
                    for allocation, ordered, left in problems
                ]
                return reader.env._(
                    "Order %(order)s exceeds the regional allocation:\n%(lines)s",
                    order=order.name,
                    lines="\n".join(lines),
                )

            order._sdm_warn_or_block(mode, message)

    def action_confirm(self):
        self.filtered(lambda o: o.state in ("draft", "sent"))._sdm_check_allocations()
        return super().action_confirm()
