from . import sdm_credit_approval_request
from . import sdm_credit_approval_decision
