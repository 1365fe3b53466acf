from odoo import models


class SdmPriceNotice(models.Model):
    """The compensation credit notes of price notices (sdm_sales) are emailed to the customer with a link to the
    credit note in the portal."""

    _inherit = "sdm.price.notice"

    def _sdm_create_credit_note(self, partner, line_vals_list):
        move = super()._sdm_create_credit_note(partner, line_vals_list)
        # Queued: a notice settles hundreds of customers in one batch.
        move.message_post_with_source(
            self.env.ref("sdm_finance.mail_template_sdm_compensation_credit_note"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            force_send=False,
        )
        return move
