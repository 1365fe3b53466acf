from . import sdm_credit_approval_request
from . import sdm_credit_approval_decision
from . import sdm_compensation_statement
from . import sdm_channel_stock_asof
from . import sdm_aging_report
from . import sdm_invoice_dispute
from . import sdm_audit_xlsx
