from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang


class SdmCustomerSettlementMixin(models.AbstractModel):
    """Settling money with a customer: the one home of how a document pays a customer, and takes it back.

    A document that owes a customer money (a price notice, a rebate settlement; incentives and expenses later)
    inherits this mixin. It must have ``name``, ``company_id`` and ``currency_id`` (the currency its amounts are
    in) and say, in ``_sdm_balance_type``, which kind of money it settles: the ``balance_type`` of the customer
    balance it credits (``sdm.customer.balance``) and of the product its credit notes use (see
    ``res.company._sdm_settlement_product``). It then pays by:

    * ``_sdm_create_credit_note(partner, line_vals_list)``: a posted customer credit note (``out_refund``);
    * ``_sdm_create_debit_note(partner, line_vals_list)``: its twin, a posted customer invoice (``out_invoice``),
      to take money back by an invoice (a negative adjustment);
    * ``_sdm_create_balance(partner, amount)``: a balance movement, positive to credit, negative to debit;

    and undoes a settlement with ``_sdm_reverse_settlement_money(moves, balances)``: posted moves reversed
    (``_reverse_moves(cancel=True)``), draft ones cancelled, credited balances taken back — refused, with nothing
    written, when the customer already spent them.

    Labels and links to the document are added by overriding the ``_sdm_prepare_*_vals`` hooks
    (``_sdm_prepare_credit_note_vals``, ``_sdm_prepare_credit_note_line_vals``, ``_sdm_prepare_balance_vals``,
    ``_sdm_prepare_reversal_vals``), each calling ``super()``.
    """

    _name = "sdm.customer.settlement.mixin"
    _description = "Customer Money Settlement"

    # The kind of money settled: a selection value of sdm.customer.balance.balance_type, and a key of
    # res.company._sdm_settlement_product_sources().
    _sdm_balance_type = None

    # ------------------------------------------------------------------ hooks

    def _sdm_settlement_label(self):
        """What the customer reads on the credit note and the balance movement."""
        self.ensure_one()
        return self.name

    def _sdm_settlement_reversal_label(self):
        """What the customer reads on the reversal of the credit note and on the take-back movement."""
        self.ensure_one()
        return self.env._("Cancellation of %s", self.display_name)

    def _sdm_settlement_product(self):
        self.ensure_one()
        return self.company_id._sdm_settlement_product(self._sdm_balance_type)

    def _sdm_prepare_credit_note_line_vals(self, amount, name=None):
        """Values of one line of a credit (or debit) note: the settlement product, once, at ``amount`` in the
        document's currency."""
        self.ensure_one()
        return {
            "product_id": self._sdm_settlement_product().id,
            "name": name or self._sdm_settlement_label(),
            "quantity": 1,
            "price_unit": amount,
        }

    def _sdm_prepare_credit_note_vals(self, partner, line_vals_list, move_type="out_refund"):
        """Values of the credit note (``out_refund``) or of its debit twin (``out_invoice``) to ``partner``."""
        self.ensure_one()
        return {
            "move_type": move_type,
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": self._sdm_settlement_label(),
            "invoice_line_ids": [Command.create(vals) for vals in line_vals_list],
        }

    def _sdm_prepare_balance_vals(self, partner, amount, name=None):
        """Values of a balance movement of ``amount`` in company currency (positive: credited)."""
        self.ensure_one()
        return {
            "balance_type": self._sdm_balance_type,
            "partner_id": partner.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "amount": amount,
            "name": name or self._sdm_settlement_label(),
        }

    def _sdm_prepare_reversal_vals(self, move):
        """Default values of the reversal of ``move`` (see ``account.move._reverse_moves``)."""
        self.ensure_one()
        return {
            "ref": self._sdm_settlement_reversal_label(),
            "reversed_entry_id": move.id,
        }

    # ------------------------------------------------------------------ paying

    def _sdm_create_settlement_move(self, partner, line_vals_list, move_type):
        self.ensure_one()
        vals = self._sdm_with_customer_lang(partner)._sdm_prepare_credit_note_vals(partner, line_vals_list, move_type)
        move = self.env["account.move"].with_company(self.company_id).create(vals)
        move.action_post()
        return move

    def _sdm_create_credit_note(self, partner, line_vals_list):
        """A posted credit note to ``partner`` with lines from ``_sdm_prepare_credit_note_line_vals``."""
        return self._sdm_create_settlement_move(partner, line_vals_list, "out_refund")

    def _sdm_create_debit_note(self, partner, line_vals_list):
        """A posted customer invoice taking money back from ``partner`` (lines with positive amounts)."""
        return self._sdm_create_settlement_move(partner, line_vals_list, "out_invoice")

    def _sdm_create_balance(self, partner, amount, date=None):
        """A balance movement of ``amount`` (the document's currency, converted to the company's at ``date``,
        today by default): positive credits the customer, negative debits it."""
        self.ensure_one()
        company = self.company_id
        amount = self.currency_id._convert(
            amount, company.currency_id, company, date or fields.Date.context_today(self)
        )
        vals = self._sdm_with_customer_lang(partner)._sdm_prepare_balance_vals(partner, amount)
        return self.env["sdm.customer.balance"].create(vals)

    # ------------------------------------------------------------------ reversing

    def _sdm_check_balances_unspent(self, balances):
        """Refuse (writing nothing) when a customer no longer holds what ``balances`` credited it: orders
        already used it. The customers' balances stay locked until the end of the transaction."""
        self.ensure_one()
        Balance = self.env["sdm.customer.balance"]
        credited = defaultdict(float)
        for balance in balances.filtered(lambda b: b.amount > 0):
            credited[balance.partner_id.commercial_partner_id, balance.company_id, balance.balance_type] += (
                balance.amount
            )
        for (partner, company, balance_type), amount in credited.items():
            currency = company.currency_id
            available = Balance._sdm_balance_of(partner, company, balance_type, lock=True)
            if currency.compare_amounts(available, amount) < 0:
                raise UserError(
                    self.env._(
                        "%(document)s cannot be cancelled: %(customer)s was credited %(credited)s but has only "
                        "%(available)s left; orders already used the rest.",
                        document=self.display_name,
                        customer=partner.display_name,
                        credited=formatLang(self.env, amount, currency_obj=currency),
                        available=formatLang(self.env, available, currency_obj=currency),
                    )
                )

    def _sdm_reverse_settlement_money(self, moves, balances):
        """Undo what ``moves`` and ``balances`` paid: each balance movement offset (a credit taken back — refused
        when the customer already spent it, see ``_sdm_check_balances_unspent`` —, a debit given back), posted
        moves reversed, draft ones cancelled. Returns the reversal moves and the offsetting movements."""
        self.ensure_one()
        self._sdm_check_balances_unspent(balances)
        taken_back = self.env["sdm.customer.balance"].create(
            [
                dict(
                    doc._sdm_prepare_balance_vals(
                        balance.partner_id, -balance.amount, name=doc._sdm_settlement_reversal_label()
                    ),
                    balance_type=balance.balance_type,
                )
                for balance in balances
                for doc in [self._sdm_with_customer_lang(balance.partner_id)]
            ]
        )
        posted = moves.filtered(lambda m: m.state == "posted")
        reversals = self.env["account.move"]
        if posted:
            reversals = posted._reverse_moves(
                [self._sdm_with_customer_lang(move.partner_id)._sdm_prepare_reversal_vals(move) for move in posted],
                cancel=True,
            )
        moves.filtered(lambda m: m.state == "draft").button_cancel()
        return reversals, taken_back
