from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class SdmCustomerPortal(CustomerPortal):
    """The distributor portal (经销商门户) of SDM: ``/my`` pages of the data each SDM addon owns. A portal contact sees
    its commercial partner's records only; pages read through the record rules of ``base.group_portal`` as the
    logged-in user, never with ``sudo()``."""

    def _sdm_portal_partner(self):
        """The distributor whose data the logged-in contact sees: its commercial partner."""
        return request.env.user.partner_id.commercial_partner_id
