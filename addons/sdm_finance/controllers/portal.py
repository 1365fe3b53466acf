from werkzeug.urls import url_encode

from odoo import http
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sdm_sales.controllers.portal import SdmCustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

from ..models.sdm_customer_statement_portal import PORTAL_LINES_PER_PAGE

STATEMENTS_PER_PAGE = 20
AGREEMENTS_PER_PAGE = 20
STATEMENT_REPORT = "sdm_finance.action_report_sdm_customer_statement"


class SdmFinancePortal(SdmCustomerPortal):
    """Statements (对账单) and rebates (返利) of the distributor portal. Pages read as the portal user, under the
    record rules of ``base.group_portal`` (security/sdm_finance_portal_security.xml); a statement's shared link
    (access token) opens that statement only; answering it needs to be its customer's contact."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = self._sdm_portal_partner()
        if "sdm_statement_count" in counters:
            Statement = request.env["sdm.customer.statement"]
            values["sdm_statement_count"] = self._sdm_portal_count(Statement, Statement._sdm_portal_domain(partner))
        if "sdm_agreement_count" in counters:
            Agreement = request.env["sdm.rebate.agreement"]
            values["sdm_agreement_count"] = self._sdm_portal_count(Agreement, Agreement._sdm_portal_domain(partner))
        return values

    # ------------------------------------------------------------------ statements

    @http.route(
        ["/my/sdm/statements", "/my/sdm/statements/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_sdm_statements(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Statement = request.env["sdm.customer.statement"]
        data = (
            Statement._sdm_portal_statements_values(self._sdm_portal_partner(), page=page, limit=STATEMENTS_PER_PAGE)
            if Statement.has_access("read")
            else {"total": 0, "statements": []}
        )
        values.update(
            data,
            page_name="sdm_statements",
            pager=portal_pager(url="/my/sdm/statements", total=data["total"], page=page, step=STATEMENTS_PER_PAGE),
            default_url="/my/sdm/statements",
        )
        request.session["my_sdm_statements_history"] = [row["id"] for row in values["statements"]]
        return request.render("sdm_finance.portal_my_sdm_statements", values)

    def _sdm_statement_access(self, statement_id, access_token=None):
        """The statement as the portal user when the record rules let them read it; as superuser when only a
        valid access token does (a shared link). Raises AccessError / MissingError otherwise."""
        statement_sudo = self._document_check_access("sdm.customer.statement", statement_id, access_token)
        statement = request.env["sdm.customer.statement"].browse(statement_id)
        return statement if statement.has_access("read") else statement_sudo

    @http.route(
        ["/my/sdm/statements/<int:statement_id>", "/my/sdm/statements/<int:statement_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_sdm_statement(self, statement_id, page=1, access_token=None, report_type=None, download=False, **kw):
        try:
            statement = self._sdm_statement_access(statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type == "pdf":
            return self._show_report(statement, "pdf", STATEMENT_REPORT, download=download)
        if report_type == "xlsx":
            content, file_name = statement._sdm_xlsx_content()
            headers = [
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(file_name)),
            ]
            return request.make_response(content, headers)
        if report_type:
            return request.redirect(statement.access_url)
        url = statement.access_url
        values = self._prepare_portal_layout_values()
        values.update(statement._sdm_portal_statement_values(page=page))
        query = {"access_token": access_token} if access_token else {}
        owner = statement.partner_id == self._sdm_portal_partner()
        values.update(
            page_name="sdm_statements",
            pager=portal_pager(
                url=url, total=values["line_count"], page=page, step=PORTAL_LINES_PER_PAGE, url_args=query or None
            ),
            can_answer=statement._sdm_portal_can_answer() if owner else {"confirm": False, "dispute": False},
            download_url=lambda report: f"{url}?{url_encode({**query, 'report_type': report, 'download': 1})}",
        )
        # The answer's outcome (see _sdm_statement_answer): shown once, never taken from the URL.
        values.update(request.session.pop("sdm_statement_answer", None) or {})
        values = self._get_page_view_values(statement, access_token, values, "my_sdm_statements_history", False)
        return request.render("sdm_finance.portal_my_sdm_statement", values)

    def _sdm_statement_answer(self, statement_id, answer, comment=None):
        """Answer as the portal user: ``_sdm_portal_answer`` checks the statement is their company's (a shared
        link shows a statement to others, it does not let them answer it)."""
        try:
            request.env["sdm.customer.statement"].browse(statement_id)._sdm_portal_answer(answer, comment)
        except (AccessError, MissingError):
            return request.redirect("/my")
        except UserError as error:
            request.session["sdm_statement_answer"] = {"error": error.args[0]}
        else:
            request.session["sdm_statement_answer"] = {"success": answer}
        return request.redirect(f"/my/sdm/statements/{statement_id}")

    @http.route(
        "/my/sdm/statements/<int:statement_id>/confirm", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_sdm_statement_confirm(self, statement_id, comment=None, **kw):
        return self._sdm_statement_answer(statement_id, "confirm", comment)

    @http.route(
        "/my/sdm/statements/<int:statement_id>/dispute", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_sdm_statement_dispute(self, statement_id, comment=None, **kw):
        return self._sdm_statement_answer(statement_id, "dispute", comment)

    # ------------------------------------------------------------------ rebates

    @http.route(
        ["/my/sdm/rebates", "/my/sdm/rebates/page/<int:page>"], type="http", auth="user", website=True, readonly=True
    )
    def portal_my_sdm_rebates(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        Agreement = request.env["sdm.rebate.agreement"]
        partner = self._sdm_portal_partner()
        data = (
            Agreement._sdm_portal_rebates_values(partner, page=page, limit=AGREEMENTS_PER_PAGE)
            if Agreement.has_access("read")
            else {"total": 0, "agreements": [], "rebate_balance": partner.sdm_rebate_balance}
        )
        values.update(
            data,
            page_name="sdm_rebates",
            pager=portal_pager(url="/my/sdm/rebates", total=data["total"], page=page, step=AGREEMENTS_PER_PAGE),
            currency=request.env.company.currency_id,
        )
        return request.render("sdm_finance.portal_my_sdm_rebates", values)

    @http.route("/my/sdm/rebates/<int:agreement_id>", type="http", auth="user", website=True, readonly=True)
    def portal_my_sdm_rebate(self, agreement_id, **kw):
        agreement = request.env["sdm.rebate.agreement"].browse(agreement_id).exists()
        if not agreement or not agreement.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(agreement._sdm_portal_rebate_values(self._sdm_portal_partner()), page_name="sdm_rebates")
        return request.render("sdm_finance.portal_my_sdm_rebate", values)
