from odoo import fields
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError
from odoo.http import content_disposition, request, route

from ..models.sdm_channel_stock import SdmStockReplaceError
from .portal import SdmCustomerPortal

PAGE_SIZE = 20
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SdmChannelStockPortal(SdmCustomerPortal):
    """Channel stock reporting (渠道库存上报) by the distributor: its history, a form and an XLSX upload. The
    reports are read and written as the portal user, under the record rule of its commercial partner; every rule
    of a report lives in ``sdm.channel.stock`` (its constraints and ``_sdm_report_stock``)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "sdm_channel_stock_count" in counters:
            values["sdm_channel_stock_count"] = self._sdm_portal_count(
                request.env["sdm.channel.stock"], self._sdm_channel_stock_domain()
            )
        return values

    def _sdm_channel_stock_domain(self):
        return [("partner_id", "=", self._sdm_portal_partner().id)]

    # ------------------------------------------------------------------ pages

    @route(
        ["/my/sdm/channel-stock", "/my/sdm/channel-stock/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=True,
    )
    def portal_my_sdm_channel_stock(self, page=1, reported=None, **kw):
        return self._sdm_channel_stock_render(page=page, reported=reported)

    @route("/my/sdm/channel-stock/submit", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_sdm_channel_stock_submit(self, replace=None, **post):
        try:
            lines = self._sdm_channel_stock_form_lines(post)
        except UserError as error:
            return self._sdm_channel_stock_render(error=error.args[0], entered=post)
        return self._sdm_channel_stock_submit(lines, bool(replace), entered=post)

    @route("/my/sdm/channel-stock/upload", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_sdm_channel_stock_upload(self, xlsx_file=None, date=None, **post):
        Stock = request.env["sdm.channel.stock"]
        try:
            if not xlsx_file or not getattr(xlsx_file, "read", None):
                raise UserError(request.env._("Choose the XLSX file to upload."))
            default_date = self._sdm_form_date(date) if date else None
            lines = Stock._sdm_read_stock_xlsx(xlsx_file.read(), default_date=default_date)
        except UserError as error:
            return self._sdm_channel_stock_render(error=error.args[0])
        return self._sdm_channel_stock_submit(lines, False)

    @route(
        "/my/sdm/channel-stock/template.xlsx", type="http", auth="user", methods=["GET"], website=True, readonly=True
    )
    def portal_my_sdm_channel_stock_template(self, **kw):
        content = request.env["sdm.channel.stock"]._sdm_stock_template_xlsx(self._sdm_portal_partner())
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(request.env._("channel_stock.xlsx"))),
            ],
        )

    # ------------------------------------------------------------------ helpers

    def _sdm_channel_stock_submit(self, lines, replace, entered=None):
        """Record ``lines`` in a savepoint: on an error nothing is written and the page says why; reports of the
        same products and dates are replaced only once the user confirmed it (``replace``)."""
        partner = self._sdm_portal_partner()
        try:
            with request.env.cr.savepoint():
                reports = request.env["sdm.channel.stock"]._sdm_report_stock(partner, lines, replace=replace)
        except SdmStockReplaceError as error:
            return self._sdm_channel_stock_render(
                confirm={"message": error.args[0], "lines": lines, "existing": error.reports}, entered=entered
            )
        except UserError as error:
            return self._sdm_channel_stock_render(error=error.args[0], entered=entered)
        return request.redirect(f"/my/sdm/channel-stock?reported={len(reports)}")

    def _sdm_form_date(self, value):
        try:
            return fields.Date.to_date(value)
        except ValueError as error:
            raise UserError(request.env._("“%s” is not a date (expected YYYY-MM-DD).", value)) from error

    def _sdm_form_number(self, value, product):
        try:
            return float(str(value).replace(",", "").strip() or 0.0)
        except ValueError as error:
            raise UserError(
                request.env._("%(product)s: “%(value)s” is not a number.", product=product, value=value)
            ) from error

    def _sdm_portal_products(self, partner):
        """The products ``partner`` reports, readable by its contact (portal users cannot read the catalogue): only
        those its orders, invoices and earlier reports name (``_sdm_customer_product_ids``) — never any other id a
        request carries."""
        products = request.env["product.product"].browse(
            request.env["sdm.channel.stock"]._sdm_customer_product_ids(partner)
        )
        # Read as the portal user when the database lets portal users read products (e.g. with the shop);
        # otherwise only these products, already restricted to the partner's own, are read with sudo().
        return products if products.has_access("read") else products.sudo()

    def _sdm_channel_stock_form_lines(self, post):
        """The report lines of the form: ``product_<i>`` with ``quantity_<i>``, ``sold_<i>``, ``note_<i>`` and
        ``date_<i>`` (default: the form's ``date``); a line whose quantities are both empty is not reported."""
        default_date = self._sdm_form_date(post.get("date")) if post.get("date") else None
        products = {product.id: product for product in self._sdm_portal_products(self._sdm_portal_partner())}
        lines = []
        for key, value in post.items():
            if not key.startswith("product_") or not key[len("product_") :].isdigit() or not str(value).isdigit():
                continue
            index = key[len("product_") :]
            quantity, sold = post.get(f"quantity_{index}", ""), post.get(f"sold_{index}", "")
            if not str(quantity).strip() and not str(sold).strip():
                continue
            # Another id is left to the model's rules, which refuse it by its id.
            label = products[int(value)].display_name if int(value) in products else value
            line_date = post.get(f"date_{index}")
            lines.append(
                {
                    "product_id": int(value),
                    "date": self._sdm_form_date(line_date) if line_date else default_date,
                    "quantity": self._sdm_form_number(quantity, label),
                    "quantity_sold": self._sdm_form_number(sold, label),
                    "note": post.get(f"note_{index}") or False,
                }
            )
        if any(not line["date"] for line in lines):
            raise UserError(request.env._("Enter the date the stock is reported as of."))
        return lines

    def _sdm_channel_stock_values(self, partner, page=1):
        """The data of the page: a page of the history and the products the distributor reports (a number of
        queries that does not grow with its number of reports)."""
        Stock = request.env["sdm.channel.stock"]
        count = Stock.search_count(self._sdm_channel_stock_domain())
        pager = portal_pager(url="/my/sdm/channel-stock", total=count, page=page, step=PAGE_SIZE)
        history = Stock._sdm_portal_history(partner, offset=pager["offset"], limit=PAGE_SIZE)
        products = self._sdm_portal_products(partner)
        return {
            "pager": pager,
            "reports": history["reports"],
            "report_products": history["products"],
            "products": products,
        }

    def _sdm_channel_stock_render(self, page=1, reported=None, error=None, confirm=None, entered=None):
        partner = self._sdm_portal_partner()
        values = self._prepare_portal_layout_values()
        values.update(self._sdm_channel_stock_values(partner, page=page))
        today = fields.Date.context_today(request.env.user)
        confirm_products = {}
        if confirm:
            # Products already reported: among the distributor's own.
            confirm_products = {product.id: product for product in self._sdm_portal_products(partner)}
        values.update(
            {
                "page_name": "sdm_channel_stock",
                "sdm_partner": partner,
                "today": today,
                "as_of": (entered or {}).get("date") or fields.Date.to_string(today),
                "entered": entered or {},
                "error": error,
                "reported": reported,
                "confirm": confirm,
                "confirm_products": confirm_products,
            }
        )
        return request.render("sdm_sales.portal_my_sdm_channel_stock", values)
