from odoo import api, fields, models


class SdmPriceNoticePricing(models.Model):
    """The new prices of an approved notice: open order lines repriced, pricelists updated on the effective date."""

    _inherit = "sdm.price.notice"

    def _sdm_apply_order_prices(self):
        self.ensure_one()
        applied = []
        for line in self.order_line_ids.filtered(lambda line: not line.applied):
            sale_line = line.sale_line_id
            if sale_line.qty_delivered or sale_line.qty_invoiced:
                continue
            sale_line.price_unit = line.new_price
            line.applied = True
            applied.append(f"{sale_line.order_id.name} / {sale_line.product_id.display_name}")
            sale_line.order_id._sdm_post_note(
                lambda o, line=line: o.env._(
                    "%(product)s repriced from %(old)s to %(new)s by price adjustment %(notice)s.",
                    product=line.sale_line_id.product_id.with_env(o.env).display_name,
                    old=o._sdm_money(line.current_price, line.currency_id),
                    new=o._sdm_money(line.new_price, line.currency_id),
                    notice=self.name,
                )
            )
        if applied:
            self._sdm_post_note(lambda n: n.env._("Order lines repriced: %s", ", ".join(applied)))

    def _sdm_update_pricelists(self):
        """The notice's new prices go to the pricelists of the scope (all pricelists when the scope is not by
        pricelist): a pricelist the notice gives a price level gets that price (as a fixed price, created if
        missing); the fixed prices of the other pricelists get the product's new list price."""
        self.ensure_one()
        Item = self.env["product.pricelist.item"]
        pricelists = (
            self.pricelist_ids
            if self.scope == "pricelist"
            else self.env["product.pricelist"].search([("company_id", "in", [False, self.company_id.id])])
        )
        changes = []
        for line in self.product_line_ids:
            product = line.product_id
            items = Item.search(
                [
                    ("pricelist_id", "in", pricelists.ids),
                    ("compute_price", "=", "fixed"),
                    "|",
                    ("product_id", "=", product.id),
                    "&",
                    ("product_id", "=", False),
                    ("product_tmpl_id", "=", product.product_tmpl_id.id),
                ]
            )
            for item in items:
                price = self.currency_id._convert(
                    self._sdm_new_price(product, item.pricelist_id),
                    item.currency_id,
                    self.company_id,
                    self.effective_date,
                )
                changes.append(
                    f"{item.pricelist_id.display_name} / {product.display_name}: {item.fixed_price} → {price}"
                )
                item.fixed_price = price
            levels = self.price_ids.filtered(lambda level, product=product: level.product_id == product)
            missing = pricelists if self.scope == "pricelist" else levels.pricelist_id & pricelists
            for pricelist in missing - items.pricelist_id:
                price = self.currency_id._convert(
                    self._sdm_new_price(product, pricelist),
                    pricelist.currency_id,
                    self.company_id,
                    self.effective_date,
                )
                Item.create(
                    {
                        "pricelist_id": pricelist.id,
                        "applied_on": "0_product_variant",
                        "product_id": product.id,
                        "compute_price": "fixed",
                        "fixed_price": price,
                        "date_start": self.effective_date,
                    }
                )
                changes.append(f"{pricelist.display_name} / {product.display_name}: → {price}")
            if self.scope == "all" and product.product_tmpl_id.product_variant_count == 1:
                price = self.currency_id._convert(
                    line.new_price, self.company_id.currency_id, self.company_id, self.effective_date
                )
                changes.append(f"{product.display_name}: {product.list_price} → {price}")
                product.product_tmpl_id.list_price = price
        self.pricelist_updated = True
        self._sdm_post_note(
            lambda n: n.env._(
                "Prices updated on %(date)s: %(changes)s",
                date=n._sdm_date(n.effective_date),
                changes="; ".join(changes),
            )
        )

    @api.model
    def _cron_update_pricelists(self):
        """Prices of approved notices change on their effective date."""
        notices = self.search(
            [
                ("state", "in", ("approved", "settled")),
                ("update_pricelist", "=", True),
                ("pricelist_updated", "=", False),
                ("effective_date", "<=", fields.Date.context_today(self)),
            ]
        )
        for notice in notices:
            notice._sdm_update_pricelists()
        return True
