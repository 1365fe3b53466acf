from odoo import models
from odoo.tools import format_amount, format_date, formatLang
from odoo.tools.translate import LazyGettext


class Base(models.AbstractModel):
    """Texts SDM writes are written in the language of the person who will read them.

    The rule, in one place:

    - an **activity** is read by its assignee: summary and note in ``res.users.lang`` of that user
      (``_sdm_activity_schedule``);
    - a **customer document** (credit note, order line, balance label) is read by the customer: ``partner.lang``
      of its commercial partner (``_sdm_customer_lang``);
    - a **chatter note** of an internal document is read by its responsible users (``_sdm_reader_users``: the
      ``user_id`` field by default; a model may name others): their language when they share one, else the
      language of the document's company (its partner's ``lang``) (``_sdm_reader_lang``, ``_sdm_post_note``).

    Only installed languages are used; otherwise English. A text is given as a callable receiving the record in the
    reader's language (``lambda rec: rec.env._("... %(x)s", x=rec._sdm_money(amount))``), so translation and
    number formatting both happen in that language; the ``env._`` call stays in the calling module, whose
    translations are used. Plain strings are passed through, ``LazyGettext`` (``_lt``) terms are translated.
    """

    # A concern of its own, apart from base.py's row lock: model files are split by concern.
    _inherit = "base"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ whose language
    def _sdm_installed_lang(self, *langs):
        """The first of ``langs`` that is installed, else English."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        return next((lang for lang in langs if lang and lang in installed), "en_US")

    def _sdm_reader_users(self):
        """Users who read this record's chatter: its responsible user, when it has one."""
        field = self._fields.get("user_id")
        if self and field and field.type == "many2one" and field.comodel_name == "res.users":
            return self[:1].user_id
        return self.env["res.users"]

    def _sdm_company_lang(self):
        company = self[:1].company_id if "company_id" in self._fields else self.env["res.company"]
        return (company or self.env.company).partner_id.lang

    def _sdm_reader_lang(self):
        """The language the chatter notes of this record are written in."""
        langs = set(self._sdm_reader_users().sudo().mapped("lang"))
        return self._sdm_installed_lang(len(langs) == 1 and langs.pop(), self._sdm_company_lang())

    def _sdm_customer_lang(self, partner):
        """The language of a document sent to ``partner``: the customer's, else the company's."""
        return self._sdm_installed_lang(partner.commercial_partner_id.lang, partner.lang, self._sdm_company_lang())

    # ------------------------------------------------------------------ writing in it
    def _sdm_in_lang(self, lang, text):
        """``text`` (callable on the record, ``_lt`` term or plain string) rendered in ``lang``."""
        if text is None or text is False:
            return text
        lang = self._sdm_installed_lang(lang)
        if isinstance(text, LazyGettext):
            return text._translate(lang)
        if callable(text):
            return text(self.with_context(lang=lang))
        return text

    def _sdm_for_reader(self, text):
        """``text`` in the language of whoever reads this record's chatter (``_sdm_reader_lang``)."""
        return self._sdm_in_lang(self._sdm_reader_lang(), text)

    def _sdm_with_customer_lang(self, partner):
        """These records in the customer's language, to prepare the values of a document ``partner`` receives."""
        return self.with_context(lang=self._sdm_customer_lang(partner))

    def _sdm_for_customer(self, partner, text):
        """``text`` in the customer's language (documents the customer receives)."""
        return self._sdm_in_lang(self._sdm_customer_lang(partner), text)

    def _sdm_post_note(self, body, **kwargs):
        """Post ``body`` on each record's chatter in its reader's language; the messages posted."""
        messages = self.env["mail.message"]
        for record in self:
            messages |= record.message_post(body=record._sdm_for_reader(body), **kwargs)
        return messages

    def _sdm_activity_schedule(self, act_type_xmlid, user, summary=None, note=None, **kwargs):
        """``activity_schedule`` for ``user`` with summary and note in the assignee's language."""
        lang = user.sudo().lang
        activities = self.env["mail.activity"]
        for record in self:
            activities |= record.activity_schedule(
                act_type_xmlid,
                user_id=user.id,
                summary=record._sdm_in_lang(lang, summary),
                note=record._sdm_in_lang(lang, note),
                **kwargs,
            )
        return activities

    # ------------------------------------------------------------------ numbers and dates in the env's language
    def _sdm_money(self, amount, currency=None):
        """``amount`` as money of ``currency`` (default: the company's), in the language of this environment."""
        return format_amount(self.env, amount or 0.0, currency or self.env.company.currency_id)

    def _sdm_number(self, value, digits=2, dp=None):
        """``value`` with ``digits`` fixed decimals (or those of the decimal precision ``dp``) and grouping, in the
        language of this environment (never a float repr such as 9.719999999999999)."""
        return formatLang(self.env, value or 0.0, digits=digits, dp=dp)

    def _sdm_date(self, value):
        """``value`` (date) in the date format of this environment's language."""
        return format_date(self.env, value) if value else ""
