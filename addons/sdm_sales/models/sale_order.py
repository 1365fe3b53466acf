from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang

from .res_partner_credit import SDM_FIGURE_GROUPS


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sdm.region.mixin"]

    sdm_uninvoiced_amount = fields.Monetary(
        string="Uninvoiced Amount (company currency)",
        compute="_compute_sdm_uninvoiced_amount",
        store=True,
        currency_field="company_currency_id",
        help="Total of a confirmed order, taxes included, less what posted invoices already bill; "
        "part of the customer's credit exposure.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    sdm_credit_approval_ids = fields.One2many("sdm.credit.approval", "order_id", string="Credit Approvals")
    sdm_balance_ids = fields.One2many(
        "sdm.customer.balance", "sale_order_id", string="Balances Used", groups="sdm_sales.group_sdm_user"
    )
    sdm_credit_approval_state = fields.Selection(
        [("none", "None"), ("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
        string="Credit Approval",
        compute="_compute_sdm_credit_banner",
    )
    sdm_credit_banner = fields.Text(compute="_compute_sdm_credit_banner")
    sdm_credit_banner_level = fields.Selection(
        [("info", "Info"), ("warning", "Warning"), ("danger", "Danger")], compute="_compute_sdm_credit_banner"
    )
    sdm_credit_needs_approval = fields.Boolean(compute="_compute_sdm_credit_banner")
    sdm_credit_remaining = fields.Monetary(
        string="Remaining Credit",
        compute="_compute_sdm_credit_banner",
        currency_field="company_currency_id",
        groups=SDM_FIGURE_GROUPS,
    )

    def init(self):
        res = super().init()
        # The credit aggregates need sdm_uninvoiced_amount, created just before.
        self.env["sdm.credit.bucket"]._sdm_install()
        return res

    # ------------------------------------------------------------------ amounts
    def _sdm_amount_company(self):
        """Order total, taxes included, in the company currency."""
        self.ensure_one()
        rate = self.currency_rate or 1.0
        return self.company_id.currency_id.round(self.amount_total / rate)

    @api.depends(
        "state",
        "amount_total",
        "currency_rate",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.balance",
        "order_line.invoice_lines.price_total",
    )
    def _compute_sdm_uninvoiced_amount(self):
        for order in self:
            if order.state != "sale":
                order.sdm_uninvoiced_amount = 0.0
                continue
            invoiced = 0.0
            for line in order.order_line.invoice_lines:
                if line.move_id.state != "posted":
                    continue
                # balance is untaxed in company currency (negative on invoices): scale it to taxes included.
                ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
                invoiced += -line.balance * ratio
            order.sdm_uninvoiced_amount = max(order._sdm_amount_company() - invoiced, 0.0)

    def _sdm_names(self):
        self.ensure_one()
        return {
            "order": self.name,
            "state": dict(self._fields["state"]._description_selection(self.env))[self.state],
        }

    # ------------------------------------------------------------------ credit
    def _sdm_valid_credit_approval(self):
        self.ensure_one()
        return any(approval._sdm_is_valid() for approval in self.sdm_credit_approval_ids)

    def _sdm_credit_simulation(self):
        """The credit rule for confirming this quotation now, without side effects (banners, requests)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        company = self.company_id
        result = partner._sdm_credit_evaluate(company, self._sdm_amount_company(), order=self)
        result["message"] = partner._sdm_credit_message(company, result, "sale") if result["reasons"] else ""
        return result

    @api.depends_context("company")
    @api.depends("partner_id", "amount_total", "state", "sdm_credit_approval_ids.state")
    def _compute_sdm_credit_banner(self):
        for order in self:
            order.sdm_credit_banner = False
            order.sdm_credit_banner_level = False
            order.sdm_credit_needs_approval = False
            order.sdm_credit_remaining = 0.0
            approvals = order.sdm_credit_approval_ids
            latest = approvals[:1]
            order.sdm_credit_approval_state = (
                latest.state if latest.state in ("pending", "approved", "rejected") else "none"
            )
            partner = order.partner_id.commercial_partner_id
            if not partner or not isinstance(order.id, int) or order.state not in ("draft", "sent"):
                continue
            company = order.company_id
            if not partner._sdm_credit_applies(company):
                continue
            result = order._sdm_credit_simulation()
            limit = result.get("limit") or 0.0
            order.sdm_credit_remaining = limit - result.get("exposure", 0.0) if limit else 0.0
            if result.get("approved"):
                order.sdm_credit_banner = order._sdm_credit_approved_banner()
                order.sdm_credit_banner_level = "info"
                continue
            if result.get("ok") and not result.get("warned"):
                if limit:
                    order.sdm_credit_banner = self.env._(
                        "Remaining credit after this order: %(remaining)s of %(limit)s.",
                        remaining=formatLang(self.env, order.sdm_credit_remaining, currency_obj=company.currency_id),
                        limit=formatLang(self.env, limit, currency_obj=company.currency_id),
                    )
                    order.sdm_credit_banner_level = "info"
                continue
            order.sdm_credit_banner = result.get("message")
            order.sdm_credit_banner_level = "warning" if result.get("ok") else "danger"
            order.sdm_credit_needs_approval = (
                result.get("mode") == "approval" and order.sdm_credit_approval_state != "pending"
            )

    def _sdm_credit_approved_banner(self):
        """What the salesperson reads once a Credit Controller approved the order: until when, up to how much."""
        self.ensure_one()
        approval = self.sdm_credit_approval_ids.filtered(lambda a: a._sdm_is_valid())[:1]
        values = {
            "approval": approval.name,
            "user": approval.approver_id.name or "",
            "amount": formatLang(self.env, approval.amount, currency_obj=self.company_id.currency_id),
        }
        if approval.expiry_date:
            return self.env._(
                "Credit approved (%(approval)s, by %(user)s): valid until %(date)s for this order up to %(amount)s. "
                "You can confirm it.",
                date=format_date(self.env, approval.expiry_date),
                **values,
            )
        return self.env._(
            "Credit approved (%(approval)s, by %(user)s) for this order up to %(amount)s. You can confirm it.",
            **values,
        )

    def _sdm_check_available_qty(self):
        """Available-quantity control (可用量控制): storable lines against the warehouse forecast."""
        for company, orders in self.grouped("company_id").items():
            mode = company.sdm_available_qty_mode
            if mode == "off":
                continue
            for order in orders:
                needed = defaultdict(float)
                for line in order.order_line:
                    if line.product_id.is_storable and line.product_uom_qty > 0:
                        needed[line.product_id] += line.product_uom._compute_quantity(
                            line.product_uom_qty, line.product_id.uom_id
                        )
                if not needed:
                    continue
                products = self.env["product.product"].union(*needed).with_context(warehouse_id=order.warehouse_id.id)
                shortfalls = []
                for product in products:
                    available = product.virtual_available
                    rounding = product.uom_id.rounding
                    if fields.Float.compare(needed[product], available, precision_rounding=rounding) > 0:
                        shortfalls.append((product, needed[product], available))
                if not shortfalls:
                    continue

                def message(reader, order=order, shortfalls=shortfalls):
                    qty = lambda value: reader._sdm_number(value, dp="Product Unit of Measure")  # noqa: E731
                    lines = [
                        reader.env._(
                            "%(product)s: ordered %(qty)s %(uom)s, forecasted %(available)s, short %(short)s",
                            product=product.with_context(lang=reader.env.lang).display_name,
                            qty=qty(ordered),
                            uom=product.uom_id.with_context(lang=reader.env.lang).name,
                            available=qty(available),
                            short=qty(ordered - available),
                        )
                        for product, ordered, available in shortfalls
                    ]
                    return reader.env._(
                        "Not enough forecasted stock in warehouse %(warehouse)s for order %(order)s:\n%(lines)s",
                        warehouse=order.warehouse_id.name,
                        order=order.name,
                        lines="\n".join(lines),
                    )

                order._sdm_warn_or_block(mode, message)

    def _sdm_warn_or_block(self, mode, message):
        """An order control's outcome: ``block`` refuses with the message, ``warn`` logs it on the order."""
        self.ensure_one()
        if mode == "block":
            raise UserError(self._sdm_in_lang(self.env.lang, message))
        self._sdm_post_note(message)

    def _sdm_balance_types(self):
        """Customer balances an order consumes, in this order (sdm_finance adds rebates)."""
        return ["compensation"]

    def _sdm_balance_product(self, balance_type):
        self.ensure_one()
        return self.company_id._sdm_settlement_product(balance_type)

    def _sdm_balance_limit(self, balance_type, untaxed):
        """How much of ``balance_type`` this order may take, in company currency, out of ``untaxed`` still open."""
        return untaxed

    def _sdm_balance_label(self, balance_type):
        return self.env._("Price adjustment compensation (balance)")

    def _sdm_consume_balances(self):
        """An order of a customer holding balances takes them as discount lines, up to what each balance type allows and
        never beyond the order's untaxed amount. A customer holding a balance is locked before it is spent
        (``res.partner._sdm_lock_customers``, customers in id order), so two orders confirmed at once cannot spend
        a balance twice; customers without balances are not locked."""
        Balance = self.env["sdm.customer.balance"].sudo()
        for order in self.sorted(lambda o: o.partner_id.commercial_partner_id.id):
            company = order.company_id
            currency = company.currency_id
            untaxed = order.currency_id._convert(order.amount_untaxed, currency, company, order.date_order)
            used = order.sudo().sdm_balance_ids
            for balance_type in order._sdm_balance_types():
                if (
                    currency.compare_amounts(
                        sum(used.filtered(lambda b, t=balance_type: b.balance_type == t).mapped("amount")), 0
                    )
                    < 0
                ):
                    continue  # already taken by this order
                # Read, then lock only when there is something to spend: in REPEATABLE READ, the lock fails with
                # a serialization error if another consumer committed after this transaction's snapshot.
                available = Balance._sdm_balance_of(order.partner_id, company, balance_type)
                if currency.compare_amounts(available, 0.0) > 0:
                    available = Balance._sdm_balance_of(order.partner_id, company, balance_type, lock=True)
                amount = currency.round(min(available, order._sdm_balance_limit(balance_type, untaxed), untaxed))
                if currency.compare_amounts(amount, 0.0) <= 0:
                    continue
                price = currency._convert(amount, order.currency_id, company, order.date_order)
                order.order_line = [
                    Command.create(
                        {
                            "product_id": order._sdm_balance_product(balance_type).id,
                            "name": order._sdm_for_customer(
                                order.partner_id, lambda o, t=balance_type: o._sdm_balance_label(t)
                            ),
                            "product_uom_qty": 1,
                            "price_unit": -price,
                            "sequence": 9999,
                        }
                    )
                ]
                Balance.create(
                    {
                        "balance_type": balance_type,
                        "partner_id": order.partner_id.commercial_partner_id.id,
                        "company_id": company.id,
                        "amount": -amount,
                        "sale_order_id": order.id,
                        "name": order._sdm_for_customer(
                            order.partner_id, lambda o: o.env._("Used by order %s", o.name)
                        ),
                    }
                )
                untaxed -= amount
                order._sdm_post_note(
                    lambda o, t=balance_type, a=amount, c=currency: o.env._(
                        "%(balance)s used: %(amount)s.", balance=o._sdm_balance_label(t), amount=o._sdm_money(a, c)
                    )
                )

    def _sdm_release_balances(self):
        """A cancelled order gives its balances back and drops their discount lines."""
        Balance = self.env["sdm.customer.balance"].sudo()
        for order in self:
            currency = order.company_id.currency_id
            used = order.sudo().sdm_balance_ids
            for balance_type in order._sdm_balance_types():
                consumed = sum(used.filtered(lambda b, t=balance_type: b.balance_type == t).mapped("amount"))
                if currency.compare_amounts(consumed, 0.0) >= 0:
                    continue
                Balance.create(
                    {
                        "balance_type": balance_type,
                        "partner_id": order.partner_id.commercial_partner_id.id,
                        "company_id": order.company_id.id,
                        "amount": -consumed,
                        "sale_order_id": order.id,
                        "name": order._sdm_for_customer(
                            order.partner_id, lambda o: o.env._("Order %s cancelled", o.name)
                        ),
                    }
                )
                product = order._sdm_balance_product(balance_type)
                order.order_line.filtered(lambda line, p=product: line.product_id == p and line.price_unit < 0).unlink()

    def action_confirm(self):
        self._sdm_check_available_qty()
        self.filtered(lambda o: o.state in ("draft", "sent"))._sdm_consume_balances()
        to_check = self.filtered(lambda o: o.state in ("draft", "sent") and o.company_id.sdm_credit_check_sale)
        for company, orders in to_check.grouped("company_id").items():
            self.env["res.partner"]._sdm_check_credit_documents(
                company,
                "sale",
                [(order.partner_id, order._sdm_amount_company(), order, order) for order in orders],
            )
        return super().action_confirm()

    def _action_cancel(self):
        res = super()._action_cancel()
        self._sdm_release_balances()
        self.sdm_credit_approval_ids._sdm_void(lambda r: r.env._("the order was cancelled"))
        return res

    def _sdm_void_credit_approvals_if_increased(self):
        for order in self:
            for approval in order.sdm_credit_approval_ids.filtered(lambda a: a.state in ("pending", "approved")):
                now = order._sdm_amount_company()
                if approval.currency_id.compare_amounts(now, approval.amount) > 0:
                    approval._sdm_void(
                        lambda r, a=approval, n=now: r.env._(
                            "the order amount rose from %(old)s to %(new)s",
                            old=r._sdm_money(a.amount, a.currency_id),
                            new=r._sdm_money(n, a.currency_id),
                        )
                    )

    def write(self, vals):
        res = super().write(vals)
        if self.sdm_credit_approval_ids:
            self._sdm_void_credit_approvals_if_increased()
        return res

    def action_sdm_request_credit_approval(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Credit Approval"),
            "res_model": "sdm.credit.approval.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_sdm_view_credit_approvals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_credit_approval")
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action
