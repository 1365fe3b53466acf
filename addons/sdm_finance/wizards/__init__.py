from . import sdm_rebate_settle_wizard
from . import sdm_rebate_statement
from . import sdm_customer_statement_batch
from . import account_payment_register
from . import sdm_writeoff_reconcile_wizard
from . import sdm_expense_budget_xlsx
from . import sdm_profitability_xlsx
