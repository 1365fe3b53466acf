from . import (
    account_invoice_report,
    account_move,
    crm_team,
    res_company,
    res_config_settings,
    res_partner,
    res_users,
    sale_order,
    sale_report,
    sdm_demo,
    sdm_region,
)
