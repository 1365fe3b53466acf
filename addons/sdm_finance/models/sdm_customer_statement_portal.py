from odoo import api, models
from odoo.exceptions import AccessError, UserError

# Lines of a statement shown per portal page: a statement of a busy distributor holds thousands.
PORTAL_LINES_PER_PAGE = 100


class SdmCustomerStatementPortal(models.Model):
    """The statement in the distributor portal (经销商门户): its page ``/my/sdm/statements/<id>`` (shared links
    carry Odoo's access token), what the list and the page show, and the distributor's answer."""

    _name = "sdm.customer.statement"
    _inherit = ["sdm.customer.statement", "portal.mixin"]

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/sdm/statements/{statement.id}"
        return res

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Statement %s", self.name.replace("/", "-"))

    @api.model
    def _sdm_portal_domain(self, partner):
        """The statements a distributor sees: the ones sent to it (a draft is not the customer's yet)."""
        return [("partner_id", "=", partner.commercial_partner_id.id), ("state", "!=", "draft")]

    def _sdm_portal_state_labels(self):
        return dict(self._fields["state"]._description_selection(self.env))

    @api.model
    def _sdm_portal_statements_values(self, partner, page=1, limit=20):
        """What ``/my/sdm/statements`` shows, read as the current (portal) user: the total for the pager and one
        row per statement of the page, in a number of queries that does not depend on how many there are."""
        domain = self._sdm_portal_domain(partner)
        statements = self.search(domain, offset=(max(int(page), 1) - 1) * limit, limit=limit)
        labels = self._sdm_portal_state_labels()
        return {
            "total": self.search_count(domain),
            "statements": [
                {
                    "id": statement.id,
                    "name": statement.name,
                    "url": statement.access_url,
                    "date_from": statement.date_from,
                    "date_to": statement.date_to,
                    "closing_balance": statement.closing_balance,
                    "currency": statement.currency_id,
                    "state": statement.state,
                    "state_label": labels[statement.state],
                    "sent_date": statement.sent_date,
                    "response_date": statement.response_date,
                }
                for statement in statements
            ],
        }

    def _sdm_portal_statement_values(self, page=1, limit=PORTAL_LINES_PER_PAGE):
        """What ``/my/sdm/statements/<id>`` shows: the statement and a page of its lines; each line's document
        links to its portal page when the reader may open it (invoices and credit notes, not receipts)."""
        self.ensure_one()
        Line = self.env["sdm.customer.statement.line"]
        line_domain = [("statement_id", "=", self.id)]
        lines = Line.search(line_domain, offset=(max(int(page), 1) - 1) * limit, limit=limit)
        readable = set(lines.move_id._filtered_access("read").ids)
        types = dict(Line._fields["line_type"]._description_selection(self.env))
        return {
            "statement": self,
            "state_label": self._sdm_portal_state_labels()[self.state],
            "line_count": Line.search_count(line_domain),
            "lines": [
                {
                    "date": line.date,
                    "document": line.move_name,
                    "document_url": f"/my/invoices/{line.move_id.id}" if line.move_id.id in readable else False,
                    "type": types.get(line.line_type),
                    "reference": line.reference,
                    "date_maturity": line.date_maturity,
                    "debit": line.debit,
                    "credit": line.credit,
                    "balance": line.balance,
                }
                for line in lines
            ],
        }

    def _sdm_portal_can_answer(self):
        """Whether the distributor may still answer: confirm a sent or disputed statement, dispute a sent one."""
        self.ensure_one()
        return {"confirm": self.state in ("sent", "disputed"), "dispute": self.state == "sent"}

    # ------------------------------------------------------------------ the distributor's answer

    def _sdm_portal_answer(self, answer, comment=None):
        """Record the answer of the logged-in portal contact: ``confirm`` (comment optional) or ``dispute``
        (comment required). ``self`` is read as that user: it must be a statement of the contact's commercial
        partner (a shared link lets others see a statement, not answer it). The status, comment and date are set
        by ``action_confirm`` / ``action_dispute`` (as superuser: a portal user writes nothing directly), the
        answer is posted in the chatter and the salesperson gets an activity."""
        self.ensure_one()
        self.check_access("read")
        contact = self.env.user.partner_id
        if self.partner_id != contact.commercial_partner_id:
            raise AccessError(self.env._("Only %(customer)s can answer this statement.", customer=self.partner_id.name))
        comment = (comment or "").strip()
        allowed = self._sdm_portal_can_answer()
        if answer not in allowed:
            raise UserError(self.env._("Unknown answer %(answer)s.", answer=answer))
        if not allowed[answer]:
            state = self._sdm_portal_state_labels()[self.state]
            raise UserError(
                self.env._(
                    "Statement %(name)s is %(state)s: it can no longer be confirmed.", name=self.name, state=state
                )
                if answer == "confirm"
                else self.env._(
                    "Statement %(name)s is %(state)s: it can no longer be disputed.", name=self.name, state=state
                )
            )
        if answer == "dispute" and not comment:
            raise UserError(
                self.env._("Statement %(name)s: tell us what you disagree with before disputing it.", name=self.name)
            )
        statement = self.sudo()
        statement.response_comment = comment or False
        if answer == "confirm":
            statement.action_confirm()
            statement._sdm_activity_schedule(
                "mail.mail_activity_data_todo",
                statement._sdm_responsible_user(),
                summary=lambda rec: rec.env._("Statement confirmed by the customer"),
                note=comment or None,
            )
        else:
            statement.action_dispute()
        statement._sdm_post_note(
            lambda rec: (
                rec.env._(
                    "%(contact)s confirmed the statement on the portal. %(comment)s",
                    contact=contact.name,
                    comment=comment,
                )
                if answer == "confirm"
                else rec.env._(
                    "%(contact)s disputed the statement on the portal: %(comment)s",
                    contact=contact.name,
                    comment=comment,
                )
            ),
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True
