from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.http import request

# Open credit approvals shown on the credit page (the list of a customer's waiting orders is short).
CREDIT_APPROVAL_LIMIT = 50


class SdmCustomerPortal(CustomerPortal):
    """The distributor portal (经销商门户) of SDM: ``/my`` pages of the data each SDM addon owns. A portal contact sees
    its commercial partner's records only; pages read through the record rules of ``base.group_portal`` as the
    logged-in user, never with ``sudo()``.

    Each page's figures come from a ``_sdm_portal_<page>_values(partner, ...)`` method that only uses
    ``partner.env`` (tested alone, query counts included), on the shared services of sdm_sales: the credit position
    (``res.partner._sdm_credit_positions`` behind the credit fields), the aging rows (``sdm.aging.line``), the
    customer balances (``res.partner._sdm_balances``)."""

    _sdm_items_per_page = 20

    def _sdm_portal_count(self, model, domain):
        """A ``/my`` counter: how many records of ``model`` (a recordset, its context kept) in ``domain`` the portal
        user reads — 0 for a user without access to the model."""
        return model.search_count(domain) if model.has_access("read") else 0

    def _sdm_portal_partner(self):
        """The distributor whose data the logged-in contact sees: its commercial partner, in the request's
        environment (``env.user`` is a superuser record: reading through it would bypass the record rules)."""
        return request.env["res.partner"].browse(request.env.user.partner_id.commercial_partner_id.id)

    # ------------------------------------------------------------------ /my cards

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = self._sdm_portal_partner()
        if "sdm_credit_count" in counters:
            values["sdm_credit_count"] = self._sdm_portal_credit_card(partner)
        if "sdm_invoice_count" in counters:
            values["sdm_invoice_count"] = self._sdm_portal_count(
                self._sdm_portal_aging_model(partner), [("partner_id", "=", partner.id)]
            )
        if "sdm_notice_count" in counters:
            values["sdm_notice_count"] = self._sdm_portal_count(
                partner.env["sdm.price.notice"], self._sdm_portal_notice_domain(partner)
            )
        if "sdm_balance_count" in counters:
            values["sdm_balance_count"] = self._sdm_portal_count(
                partner.env["sdm.customer.balance"], self._sdm_portal_balance_domain(partner)
            )
        return values

    def _sdm_portal_credit_card(self, partner):
        """The text of the credit card on ``/my``: the remaining credit, or the hold; 0 (card hidden) for a customer
        without credit limit, hold nor exposure."""
        # The distributor's own figures (``partner`` is the logged-in user's commercial partner), which the field
        # groups keep from portal users' reads.
        partner = partner.sudo().with_company(partner.env.company)
        if partner.sdm_credit_hold:
            return partner.env._("On credit hold")
        if partner.sdm_credit_limit:
            return partner._sdm_money(partner.sdm_credit_remaining, partner.sdm_credit_currency_id)
        if partner.sdm_credit_exposure:
            return partner.env._("No credit limit")
        return 0

    # ------------------------------------------------------------------ credit

    def _sdm_portal_credit_values(self, partner):
        """Credit page: the position of the shared credit service (limit, exposure, remaining, overdue amount and
        oldest overdue days, disputed invoices, hold) and the orders waiting for a credit approval."""
        env = partner.env
        partner = partner.with_company(env.company)
        # The credit fields are computed together, from one position query (res.partner._sdm_credit_positions).
        approvals = env["sdm.credit.approval"].search(
            [("partner_id", "=", partner.id), ("state", "=", "pending")], limit=CREDIT_APPROVAL_LIMIT
        )
        Move = env["account.move"]
        disputed_count = (
            Move.search_count(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("sdm_disputed", "=", True),
                    ("state", "=", "posted"),
                    ("company_id", "=", env.company.id),
                ]
            )
            if Move.has_access("read")
            else 0
        )
        # The distributor's own figures (``partner`` is the logged-in user's commercial partner), which the field
        # groups keep from portal users' reads.
        figures = partner.sudo()
        return {
            "page_name": "sdm_credit",
            "partner": partner,
            "currency": figures.sdm_credit_currency_id,
            "credit_limit": figures.sdm_credit_limit,
            "exposure": figures.sdm_credit_exposure,
            "remaining": figures.sdm_credit_remaining,
            "overdue_amount": figures.sdm_credit_overdue_amount,
            "overdue_days": figures.sdm_credit_oldest_overdue_days,
            "disputed_amount": figures.sdm_credit_disputed_amount,
            "disputed_count": disputed_count,
            "hold": figures.sdm_credit_hold,
            "approvals": approvals,
            # Orders the customer may open in Odoo's portal (quotations not sent yet are not shared).
            "readable_orders": approvals.order_id._filtered_access("read"),
        }

    @http.route(["/my/sdm/credit"], type="http", auth="user", website=True, readonly=True)
    def portal_sdm_credit(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_portal_credit_values(self._sdm_portal_partner()))
        return request.render("sdm_sales.portal_sdm_credit", values)

    # ------------------------------------------------------------------ open invoices by age

    def _sdm_portal_aging_model(self, partner):
        """``sdm.aging.line`` today, narrowed to the customer's items before its rows are built (the record rules
        still apply)."""
        contacts = partner.env["res.partner"].with_context(active_test=False).search([("id", "child_of", partner.id)])
        return partner.env["sdm.aging.line"].with_context(sdm_aging_partner_ids=contacts.ids)

    def _sdm_portal_invoice_values(self, partner, page=1):
        """Open receivable items of the customer by age (``sdm.aging.line`` as of today: due date, days overdue,
        bucket of Settings, open amount), overdue first, a page at a time, with the totals per bucket."""
        Aging = self._sdm_portal_aging_model(partner)
        domain = [("partner_id", "=", partner.id)]
        total = Aging.search_count(domain)
        pager = portal_pager(url="/my/sdm/invoices", total=total, page=page, step=self._sdm_items_per_page)
        items = Aging.search(domain, limit=self._sdm_items_per_page, offset=pager["offset"])
        # One pass per read over the customer's items; the totals add up the few bucket rows.
        buckets = Aging._read_group(domain, ["bucket_id"], ["amount_residual:sum", "amount_overdue:sum"])
        currency = partner.env.company.currency_id
        return {
            "page_name": "sdm_invoices",
            "items": items,
            "pager": pager,
            "buckets": sorted(buckets, key=lambda row: row[0].days_from),
            "total_residual": currency.round(sum(row[1] for row in buckets)),
            "total_overdue": currency.round(sum(row[2] for row in buckets)),
            "currency": currency,
            # Invoices and credit notes open in Odoo's invoice page (and its payment links); receipts do not.
            "readable_moves": items.move_id._filtered_access("read"),
        }

    @http.route(
        ["/my/sdm/invoices", "/my/sdm/invoices/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_sdm_invoices(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_portal_invoice_values(self._sdm_portal_partner(), page=page))
        return request.render("sdm_sales.portal_sdm_invoices", values)

    # ------------------------------------------------------------------ price compensation

    def _sdm_portal_notice_domain(self, partner):
        """The notices that compensate ``partner`` once approved (the portal rule says the same)."""
        return [("state", "in", ("approved", "settled")), ("line_ids.partner_id", "child_of", partner.id)]

    def _sdm_portal_notice_values(self, partner, page=1):
        """Price notices that compensate the customer (approved or settled, by rule), newest first, with what each
        pays it (its own compensation lines)."""
        env = partner.env
        Notice = env["sdm.price.notice"]
        domain = self._sdm_portal_notice_domain(partner)
        total = Notice.search_count(domain)
        pager = portal_pager(url="/my/sdm/compensation", total=total, page=page, step=self._sdm_items_per_page)
        notices = Notice.search(domain, limit=self._sdm_items_per_page, offset=pager["offset"])
        amounts = dict(
            env["sdm.price.notice.line"]._read_group(
                [("notice_id", "in", notices.ids), ("partner_id", "child_of", partner.id)],
                ["notice_id"],
                ["amount:sum"],
            )
        )
        return {
            "page_name": "sdm_compensation",
            "notices": notices,
            "amounts": amounts,
            "pager": pager,
        }

    def _sdm_portal_notice_detail_values(self, partner, notice):
        """One notice: the customer's lines (product, price paid, new price, quantities, amount) and their credit
        notes or balance movements."""
        lines = notice.env["sdm.price.notice.line"].search(
            [("notice_id", "=", notice.id), ("partner_id", "child_of", partner.id)]
        )
        return {
            "page_name": "sdm_compensation",
            "notice": notice,
            "lines": lines,
            "amount": sum(lines.mapped("amount")),
            "readable_moves": lines.move_id._filtered_access("read"),
        }

    @http.route(
        ["/my/sdm/compensation", "/my/sdm/compensation/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_sdm_compensation(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_portal_notice_values(self._sdm_portal_partner(), page=page))
        return request.render("sdm_sales.portal_sdm_compensation", values)

    @http.route(["/my/sdm/compensation/<int:notice_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_sdm_compensation_notice(self, notice_id, **kw):
        partner = self._sdm_portal_partner()
        notice = request.env["sdm.price.notice"].search(
            [("id", "=", notice_id), *self._sdm_portal_notice_domain(partner)]
        )
        if not notice:
            # Another distributor's notice, one not approved yet or none: nothing to show.
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_portal_notice_detail_values(partner, notice))
        return request.render("sdm_sales.portal_sdm_compensation_notice", values)

    # ------------------------------------------------------------------ balances

    def _sdm_portal_balance_domain(self, partner):
        return [("partner_id", "=", partner.id), ("company_id", "=", partner.env.company.id)]

    def _sdm_portal_balance_values(self, partner, page=1):
        """The rebate and compensation ledger of the customer (``sdm.customer.balance``), newest first, with the
        order that consumed each movement, and the balance of each type (``res.partner._sdm_balances``)."""
        env = partner.env
        Balance = env["sdm.customer.balance"]
        domain = self._sdm_portal_balance_domain(partner)
        total = Balance.search_count(domain)
        pager = portal_pager(url="/my/sdm/balances", total=total, page=page, step=self._sdm_items_per_page)
        movements = Balance.search(domain, limit=self._sdm_items_per_page, offset=pager["offset"])
        balance_types = Balance._fields["balance_type"]._description_selection(env)
        return {
            "page_name": "sdm_balances",
            "movements": movements,
            "pager": pager,
            "currency": env.company.currency_id,
            "balances": [
                (label, partner._sdm_balances(balance_type).get(partner, 0.0)) for balance_type, label in balance_types
            ],
            "readable_orders": movements.sale_order_id._filtered_access("read"),
            "readable_notices": movements.notice_id._filtered_access("read"),
        }

    @http.route(
        ["/my/sdm/balances", "/my/sdm/balances/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_sdm_balances(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_portal_balance_values(self._sdm_portal_partner(), page=page))
        return request.render("sdm_sales.portal_sdm_balances", values)
