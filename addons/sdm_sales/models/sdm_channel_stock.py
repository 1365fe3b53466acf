from datetime import date, datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare

# Fields whose change alters what a price notice read from a report (its cut-off lock).
NOTICE_FIELDS = {"partner_id", "product_id", "date", "quantity", "quantity_sold", "company_id"}
# The reporting template's columns (``_sdm_stock_template_columns``) and where its rows start (0-based).
TEMPLATE_HEADER_ROW = 3
# Reports listed in the salesperson's activity (the rest are counted).
NOTE_ROWS = 30


class SdmStockReplaceError(UserError):
    """Some reports of a submission exist already: the user is asked whether to replace them (``reports``)."""

    def __init__(self, message, reports):
        super().__init__(message)
        self.reports = reports


class SdmChannelStock(models.Model):
    """A distributor's stock report (社会虚拟库存): what the customer holds of a product on a date, and what it
    reported sold or used since its previous report."""

    _name = "sdm.channel.stock"
    _description = "Channel Stock Report"
    _order = "date desc, partner_id, product_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    product_id = fields.Many2one("product.product", required=True, index=True)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    quantity = fields.Float(
        string="Stock on Hand", digits="Product Unit of Measure", help="In the product's unit of measure."
    )
    quantity_sold = fields.Float(
        string="Sold / Used Since Last Report",
        digits="Product Unit of Measure",
        help="Quantity the customer reports sold or used since its previous report.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    source = fields.Selection(
        [("manual", "Manual"), ("import", "Import"), ("portal", "Portal")], default="manual", required=True
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    sdm_region_id = fields.Many2one(related="partner_id.sdm_region_id", store=True, string="Region")
    user_id = fields.Many2one(related="partner_id.user_id", store=True, string="Salesperson")
    note = fields.Char()
    is_latest = fields.Boolean(
        string="Latest Report",
        readonly=True,
        copy=False,
        index=True,
        help="The customer's latest report of this product: its stock on hand is the customer's current level. "
        "Levels of earlier reports are snapshots, not to be added to it.",
    )

    def init(self):
        # Every install and upgrade: the flag of every report (one statement).
        self._sdm_update_latest()

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before the values are used below
        portal = self.env.user._is_portal()
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
            if portal:
                vals["source"] = "portal"
            elif self.env.context.get("import_file") and "source" not in vals:
                vals["source"] = "import"
        # One report per customer, product and date: two transactions adding the same one are serialized here,
        # before the check (``_check_one_report_per_date``) reads the other reports.
        self.env["res.partner"].sudo().browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )._sdm_lock_customers()
        reports = super().create(vals_list)
        self._sdm_update_latest(reports._sdm_pairs())
        return reports

    def write(self, vals):
        self._sdm_check_input_values([vals])  # before the values are used below
        if NOTICE_FIELDS & set(vals):
            self._sdm_check_notice_lock()  # the values a notice used cannot be moved away either
        portal = self.env.user._is_portal()
        if portal:
            vals = dict(vals, source="portal")
        moved = bool({"partner_id", "product_id", "date"} & set(vals))
        if moved:
            partners = self.partner_id.sudo()
            if vals.get("partner_id"):
                partners |= partners.browse(vals["partner_id"]).commercial_partner_id
            partners._sdm_lock_customers()
            pairs = self._sdm_pairs()
        result = super().write(vals)
        if moved:
            self._sdm_update_latest(pairs | self._sdm_pairs())
        if portal:
            # Odoo checks the record rules of a write on the records before it only: a distributor must not
            # move its report to another customer either.
            self.check_access("write")
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_notice_cut_off(self):
        self._sdm_check_notice_lock()

    def unlink(self):
        pairs = self._sdm_pairs()
        result = super().unlink()
        self._sdm_update_latest(pairs)
        return result

    def _sdm_pairs(self):
        return {(report.partner_id.id, report.product_id.id) for report in self}

    @api.model
    def _sdm_update_latest(self, pairs=None):
        """Set ``is_latest`` on the latest report (``_sdm_latest_sql``, no date bound) of each customer and product
        of ``pairs`` (every pair when None), and clear it on their other reports."""
        if pairs is not None and not pairs:
            return
        if pairs is not None:
            # Two first reports of a customer's product entered at once would each see only itself as latest.
            customers = self.env["res.partner"].sudo().browse({partner for partner, _product in pairs})
            customers._sdm_lock_customers()
        self.flush_model(["partner_id", "product_id", "date"])
        scope = SQL("TRUE") if pairs is None else SQL("(partner_id, product_id) IN %s", tuple(sorted(pairs)))
        self.env.cr.execute(
            SQL(
                """
                WITH latest AS (SELECT id FROM (%(latest)s) l)
                UPDATE sdm_channel_stock s
                   SET is_latest = s.id IN (SELECT id FROM latest)
                 WHERE %(scope)s AND s.is_latest IS DISTINCT FROM (s.id IN (SELECT id FROM latest))
                RETURNING s.id
                """,
                latest=self._sdm_latest_sql(None, scope),
                scope=scope,
            )
        )
        if self.env.cr.fetchall():
            self.invalidate_model(["is_latest"])

    # ------------------------------------------------------------------ the rules of a report (backend, import, portal)

    def _sdm_label(self):
        """How an error names this report: customer, product and date."""
        self.ensure_one()
        return self.env._(
            "Stock report of %(customer)s for %(product)s on %(date)s",
            customer=self.partner_id.sudo().display_name,
            product=self.product_id.sudo().display_name,
            date=self._sdm_date(self.date),
        )

    def _sdm_raise(self, messages):
        if messages:
            raise ValidationError("\n".join(messages))

    @api.constrains("quantity", "quantity_sold")
    def _check_quantities(self):
        messages = []
        for report in self:
            rounding = report.product_id.sudo().uom_id.rounding or 0.01
            for value in (report.quantity, report.quantity_sold):
                if float_compare(value, 0.0, precision_rounding=rounding) < 0:
                    messages.append(
                        self.env._(
                            "%(report)s: quantities cannot be negative (got %(qty)s).",
                            report=report._sdm_label(),
                            qty=report._sdm_number(value, dp="Product Unit of Measure"),
                        )
                    )
        self._sdm_raise(messages)

    @api.constrains("product_id")
    def _check_product_saleable(self):
        self._sdm_raise(
            [
                self.env._(
                    "%(report)s: %(product)s is not a product the company sells (stock reported: %(qty)s).",
                    report=report._sdm_label(),
                    product=report.product_id.sudo().display_name,
                    qty=report._sdm_number(report.quantity, dp="Product Unit of Measure"),
                )
                for report in self
                if not (report.product_id.sudo().sale_ok and report.product_id.sudo().active)
            ]
            + [
                self.env._(
                    "%(report)s: %(product)s is a service: it has no stock to report (stock reported: %(qty)s).",
                    report=report._sdm_label(),
                    product=report.product_id.sudo().display_name,
                    qty=report._sdm_number(report.quantity, dp="Product Unit of Measure"),
                )
                for report in self
                if report.product_id.sudo().type == "service"
            ]
        )

    @api.constrains("date")
    def _check_date_not_future(self):
        self._sdm_raise(
            [
                self.env._(
                    "%(report)s: stock cannot be reported for a future date (today is %(today)s; stock reported: "
                    "%(qty)s).",
                    report=report._sdm_label(),
                    today=report._sdm_date(fields.Date.context_today(report)),
                    qty=report._sdm_number(report.quantity, dp="Product Unit of Measure"),
                )
                for report in self
                if report.date > fields.Date.context_today(report)
            ]
        )

    @api.constrains("partner_id", "product_id", "date")
    def _check_one_report_per_date(self):
        """One report per customer, product and date (the customers are locked by ``create``/``write``), read in
        SQL among every report, whoever may read them."""
        self.flush_model(["partner_id", "product_id", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, MIN(o.quantity)
                  FROM sdm_channel_stock s
                  JOIN sdm_channel_stock o
                    ON o.partner_id = s.partner_id AND o.product_id = s.product_id AND o.date = s.date AND o.id <> s.id
                 WHERE s.id = ANY(%s)
                 GROUP BY s.id
                """,
                self.ids,
            )
        )
        others = dict(self.env.cr.fetchall())
        self._sdm_raise(
            [
                self.env._(
                    "%(report)s: this stock was already reported for that date (%(qty)s). Replace that report "
                    "instead of adding a second one.",
                    report=report._sdm_label(),
                    qty=report._sdm_number(others[report.id], dp="Product Unit of Measure"),
                )
                for report in self
                if report.id in others
            ]
        )

    @api.constrains(*NOTICE_FIELDS)
    def _check_notice_cut_off(self):
        self._sdm_check_notice_lock()

    def _sdm_check_notice_lock(self):
        """Refuse to create, change or delete the reports a confirmed price notice read (``_sdm_locking_notices``)."""
        locks = self._sdm_locking_notices()
        self._sdm_raise(
            [
                self.env._(
                    "%(report)s is locked: price notice %(notice)s (%(state)s) compensated the channel stock "
                    "reported up to its cut-off date %(cut_off)s. Ask your salesperson to correct it (stock "
                    "reported: %(qty)s).",
                    report=report._sdm_label(),
                    notice=notice.name,
                    state=dict(notice._fields["state"]._description_selection(self.env))[notice.state],
                    cut_off=report._sdm_date(notice.effective_date),
                    qty=report._sdm_number(report.quantity, dp="Product Unit of Measure"),
                )
                for report, notice in locks.items()
            ]
        )

    def _sdm_locking_notices(self):
        """{report: the first notice locking it}. A price notice reads the customers' latest stock reports on or
        before its effective date, and the sell-through reported up to it (``_sdm_compute_lines``): its effective
        date is the cut-off of its channel stock. Once the notice is approved or settled, a report of a customer
        of its scope, for one of its products, dated on or before that cut-off, is what was paid on."""
        reports = self.filtered(lambda r: r.partner_id and r.product_id and r.date)
        if not reports:
            return {}
        notices = (
            self.env["sdm.price.notice"]
            .sudo()
            .search(
                [
                    ("state", "in", ("approved", "settled")),
                    ("company_id", "in", reports.company_id.ids),
                    ("effective_date", ">=", min(reports.mapped("date"))),
                    ("product_line_ids.product_id", "in", reports.product_id.ids),
                ],
                order="effective_date, id",
            )
        )
        if not notices:
            return {}
        customers = reports.partner_id.sudo()
        in_scope = {notice: self._sdm_notice_customers(notice, customers) for notice in notices}
        locks = {}
        for report in reports:
            for notice in notices:
                if (
                    notice.company_id == report.company_id
                    and notice.effective_date >= report.date
                    and report.product_id in notice.product_line_ids.product_id
                    and report.partner_id in in_scope[notice]
                ):
                    locks[report] = notice
                    break
        return locks

    @api.model
    def _sdm_notice_customers(self, notice, customers):
        """The ``customers`` (commercial partners) that ``notice``'s scope concerns, as the notice selects them
        (``_sdm_scope_partner_ids``; for a pricelist scope, their pricelists only)."""
        if notice.scope == "all":
            return customers
        if notice.scope == "pricelist":
            pricelists = notice._sdm_partner_pricelists(customers.ids)
            return customers.filtered(lambda c: pricelists.get(c.id) in notice.pricelist_ids)
        return customers & customers.browse(notice._sdm_scope_partner_ids())

    @api.model
    def _sdm_latest_sql(self, as_of, condition=None):
        """The one definition of a customer's stock at a date: SQL selecting, among the reports matching
        ``condition`` (an SQL on the columns of sdm_channel_stock), the latest one of each customer and product
        on or before ``as_of`` (``None``: of all). Raw SQL: record rules are the caller's business."""
        return SQL(
            "SELECT DISTINCT ON (partner_id, product_id) * FROM sdm_channel_stock WHERE %s AND %s "
            "ORDER BY partner_id, product_id, date DESC, id DESC",
            SQL("TRUE") if as_of is None else SQL("date <= %s", as_of),
            condition or SQL("TRUE"),
        )

    @api.model
    def _sdm_latest_ids(self, as_of, domain=None):
        """Ids of the latest report of each customer and product on or before ``as_of`` among those the user may
        read matching ``domain`` (one SQL query)."""
        query = self._search(list(domain or []))
        self.flush_model()
        self.env.cr.execute(
            SQL("SELECT id FROM (%s) latest", self._sdm_latest_sql(as_of, SQL("id IN %s", query.subselect())))
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------ reporting by the customer (portal, upload)

    @api.model
    def _sdm_report_stock(self, partner, lines, source="portal", replace=False):
        """Record ``partner``'s stock report ``lines`` (dicts: product_id, date, quantity, quantity_sold, note) at
        once and notify its salesperson. A product already reported on that date is replaced (its report rewritten)
        when ``replace``, else nothing is written and ``SdmStockReplaceError`` lists those reports. Every rule of a
        report is checked by the model's constraints: call this in a savepoint to write nothing on error."""
        partner = partner.commercial_partner_id
        if not lines:
            raise UserError(self.env._("Enter the stock of at least one product."))
        known = set(self.env["product.product"].sudo().browse({line["product_id"] for line in lines}).exists().ids)
        keys = {}
        for line in lines:
            if line["product_id"] not in known:
                raise ValidationError(
                    self.env._(
                        "There is no product with id %(product)s (stock reported on %(date)s: %(qty)s).",
                        product=line["product_id"],
                        date=self._sdm_date(line["date"]),
                        qty=self._sdm_number(line["quantity"], dp="Product Unit of Measure"),
                    )
                )
            key = (line["product_id"], line["date"])
            if key in keys:
                product = self.env["product.product"].sudo().browse(line["product_id"])
                raise ValidationError(
                    self.env._(
                        "%(product)s is reported twice for %(date)s (%(first)s and %(second)s): keep one line.",
                        product=product.display_name,
                        date=self._sdm_date(line["date"]),
                        first=self._sdm_number(keys[key]["quantity"], dp="Product Unit of Measure"),
                        second=self._sdm_number(line["quantity"], dp="Product Unit of Measure"),
                    )
                )
            keys[key] = line
        existing = self.search(
            [
                ("partner_id", "=", partner.id),
                ("product_id", "in", [product_id for product_id, _date in keys]),
                ("date", "in", list({line_date for _product, line_date in keys})),
            ]
        ).filtered(lambda r: (r.product_id.id, r.date) in keys)
        if existing and not replace:
            raise SdmStockReplaceError(
                self.env._(
                    "%(count)s of these products were already reported for the same date: replace those reports?",
                    count=len(existing),
                ),
                existing,
            )
        to_create = []
        for key, line in keys.items():
            vals = {
                "quantity": line.get("quantity") or 0.0,
                "quantity_sold": line.get("quantity_sold") or 0.0,
                "note": line.get("note") or False,
                "source": source,
            }
            report = existing.filtered(lambda r, key=key: (r.product_id.id, r.date) == key)
            if report:
                report.write(vals)
            else:
                to_create.append({**vals, "partner_id": partner.id, "product_id": key[0], "date": key[1]})
        reports = existing | self.create(to_create)
        reports._sdm_notify_salesperson(partner, replaced=existing)
        return reports

    def _sdm_notify_salesperson(self, partner, replaced=None):
        """A to-do activity on the customer for its salesperson (``partner.user_id``), in the salesperson's
        language: which stock the customer reported, as of which dates, and how many reports it replaced."""
        salesperson = partner.sudo().user_id
        if not self or not salesperson:
            return self.env["mail.activity"]
        contact = self.env.user.partner_id.name
        dates = sorted(set(self.mapped("date")))
        rows = [(r.product_id.sudo().display_name, r.date, r.quantity, r.quantity_sold) for r in self[:NOTE_ROWS]]

        def note(customer):
            items = Markup("").join(
                Markup("<li>%s</li>")
                % customer.env._(
                    "%(product)s on %(date)s: %(qty)s in stock, %(sold)s sold",
                    product=product,
                    date=customer._sdm_date(day),
                    qty=customer._sdm_number(qty, dp="Product Unit of Measure"),
                    sold=customer._sdm_number(sold, dp="Product Unit of Measure"),
                )
                for product, day, qty, sold in rows
            )
            intro = customer.env._(
                "%(contact)s reported the stock of %(count)s products on the portal (%(replaced)s replaced).",
                contact=contact,
                count=len(self),
                replaced=len(replaced or ()),
            )
            more = (
                Markup("<p>%s</p>") % customer.env._("… and %s more.", len(self) - NOTE_ROWS)
                if len(self) > NOTE_ROWS
                else ""
            )
            return Markup("<p>%s</p><ul>%s</ul>%s") % (intro, items, more)

        return partner.sudo()._sdm_activity_schedule(
            "mail.mail_activity_data_todo",
            salesperson,
            summary=lambda customer: customer.env._(
                "Channel stock reported as of %s", ", ".join(customer._sdm_date(day) for day in dates)
            ),
            note=note,
        )

    @api.model
    def _sdm_customer_product_ids(self, partner):
        """Ids of the saleable products ``partner`` buys, for its reporting form and template: those of its confirmed
        orders, its net sales lines (invoices) and its earlier reports (one SQL query, then the products' rule)."""
        partner = partner.commercial_partner_id
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT sol.product_id
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id = %(partner)s AND so.state = 'sale' AND sol.product_id IS NOT NULL
                 UNION
                SELECT l.product_id FROM (%(sales)s) l WHERE l.product_id IS NOT NULL
                 UNION
                SELECT product_id FROM sdm_channel_stock WHERE partner_id = %(partner)s
                """,
                partner=partner.id,
                sales=self.env["sdm.net.sales.line"]._sdm_net_sales_query(partner_ids=[partner.id]),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["product.product"].sudo().search(self._sdm_reportable_domain([("id", "in", ids)])).ids

    @api.model
    def _sdm_reportable_domain(self, domain=None):
        """Products a customer may report: saleable goods (not services, such as the settlement lines of credit
        notes) of the current company (``_check_product_saleable``)."""
        return [
            ("sale_ok", "=", True),
            ("type", "!=", "service"),
            ("company_id", "in", [False, self.env.company.id]),
            *(domain or []),
        ]

    @api.model
    def _sdm_stock_template_columns(self):
        return [
            ("product_id", self.env._("Product ID"), "id", 10),
            ("code", self.env._("Internal Reference"), "text", 16),
            ("name", self.env._("Product"), "text", 36),
            ("uom", self.env._("Unit"), "text", 8),
            ("date", self.env._("Date"), "date", 12),
            ("quantity", self.env._("Stock on Hand"), "input", 14),
            ("quantity_sold", self.env._("Sold / Used Since Last Report"), "input", 14),
            ("note", self.env._("Note"), "text", 30),
        ]

    @api.model
    def _sdm_stock_template_xlsx(self, partner, as_of=None):
        """The reporting template of ``partner`` (bytes of an XLSX): one row per product it buys, the date to
        report as of, the quantities to fill in; written through the shared XLSX helper (``sdm.xlsx.mixin``)."""
        partner = partner.commercial_partner_id
        as_of = as_of or fields.Date.context_today(self)
        products = self.env["product.product"].sudo().browse(self._sdm_customer_product_ids(partner))
        book = self.env["sdm.xlsx.mixin"]._sdm_xlsx_workbook()
        sheet = book.add_sheet(self.env._("Channel Stock"))
        table = sheet.table(self._sdm_stock_template_columns())
        sheet.title(
            self.env._("Channel stock of %s", partner.name),
            self.env._(
                "Fill in the stock on hand of each product and keep the columns in place; rows left empty are "
                "not reported."
            ),
        )
        row = table.header(TEMPLATE_HEADER_ROW)
        for product in products:
            row += 1
            table.write_row(
                row,
                {
                    "product_id": product.id,
                    "code": product.default_code or "",
                    "name": product.name,
                    "uom": product.uom_id.name,
                    "date": as_of,
                },
            )
        return book.close()

    @api.model
    def _sdm_read_stock_xlsx(self, content, default_date=None):
        """Report lines (see ``_sdm_report_stock``) read from a filled-in template (``_sdm_stock_template_xlsx``):
        a row is reported when its stock on hand is filled in; its product is found by id, else internal
        reference, else name, among the reportable products. Every unreadable row is named in one UserError."""
        columns = self._sdm_stock_template_columns()
        english = self.with_context(lang="en_US")._sdm_stock_template_columns()
        header = [{column[1], column_en[1]} for column, column_en in zip(columns, english, strict=True)]
        # The archive, the sheet (found by the template's header), the row cap: the shared upload reader.
        rows = self.env["sdm.xlsx.mixin"]._sdm_xlsx_read_rows(content, TEMPLATE_HEADER_ROW + 1, header)
        keys = [column[0] for column in columns]
        parsed = []
        for number, cells in rows:
            values = dict(zip(keys, list(cells) + [None] * (len(keys) - len(cells)), strict=False))
            if values["quantity"] in (None, "") and values["quantity_sold"] in (None, ""):
                continue
            parsed.append((number, values))
        Product = self.env["product.product"].sudo().with_context(active_test=True)
        wanted_ids = [v["product_id"] for _n, v in parsed if isinstance(v["product_id"], int | float)]
        wanted_codes = [str(v["code"]).strip() for _n, v in parsed if v["code"]]
        wanted_names = [str(v["name"]).strip() for _n, v in parsed if v["name"]]
        products = Product.search(
            self._sdm_reportable_domain(
                [
                    "|",
                    "|",
                    ("id", "in", [int(i) for i in wanted_ids]),
                    ("default_code", "in", wanted_codes),
                    ("name", "in", wanted_names),
                ]
            )
        )
        by_id = {p.id: p for p in products}
        by_code = {p.default_code: p for p in products if p.default_code}
        by_name = {p.name: p for p in products}
        lines, errors = [], []
        for number, values in parsed:
            label = values["name"] or values["code"] or values["product_id"] or ""
            product_id = values["product_id"]
            product = (
                (isinstance(product_id, int | float) and by_id.get(int(product_id)))
                or (values["code"] and by_code.get(str(values["code"]).strip()))
                or (values["name"] and by_name.get(str(values["name"]).strip()))
            )
            if not product:
                errors.append(
                    self.env._(
                        "Row %(row)s: no product the company sells matches “%(product)s” (stock %(qty)s).",
                        row=number,
                        product=label,
                        qty=values["quantity"],
                    )
                )
                continue
            try:
                day = self._sdm_cell_date(values["date"]) or default_date or fields.Date.context_today(self)
                quantities = [float(values[key] or 0.0) for key in ("quantity", "quantity_sold")]
            except (TypeError, ValueError):
                errors.append(
                    self.env._(
                        "Row %(row)s, %(product)s: the date (%(date)s) or a quantity (%(qty)s, %(sold)s) is not "
                        "readable.",
                        row=number,
                        product=product.display_name,
                        date=values["date"],
                        qty=values["quantity"],
                        sold=values["quantity_sold"],
                    )
                )
                continue
            lines.append(
                {
                    "product_id": product.id,
                    "date": day,
                    "quantity": quantities[0],
                    "quantity_sold": quantities[1],
                    "note": values["note"] and str(values["note"]),
                }
            )
        if errors:
            raise UserError("\n".join(errors))
        if not lines:
            raise UserError(self.env._("The file reports no stock: fill in the stock on hand of at least one row."))
        return lines

    @api.model
    def _sdm_cell_date(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return fields.Date.to_date(str(value).strip()[:10])

    @api.model
    def _sdm_portal_history(self, partner, offset=0, limit=20):
        """A page of ``partner``'s reports, newest date first, read as the user (record rules), with their products
        (names read once, for all rows of the page) — a number of queries that does not grow with the page."""
        reports = self.search([("partner_id", "=", partner.commercial_partner_id.id)], offset=offset, limit=limit)
        products = reports.product_id.sudo()
        products.mapped("display_name")
        products.uom_id.mapped("name")
        return {"reports": reports, "products": {product.id: product for product in products}}
