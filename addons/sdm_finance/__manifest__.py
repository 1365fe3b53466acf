{
    "name": "SDM Finance",
    "summary": "SDM finance: rebate agreements (返利) with tiers, live progress, accruals and settlements; "
    "receivables by region; customer statements",
    "version": "18.0.1.3.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "depends": ["sdm_sales", "account"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/sdm_finance_security.xml",
        "security/ir.model.access.csv",
        "data/sdm_rebate_data.xml",
        "data/sdm_writeoff_data.xml",
        "wizards/sdm_rebate_wizard_views.xml",
        "wizards/sdm_writeoff_reconcile_wizard_views.xml",
        "views/sdm_rebate_agreement_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_move_views.xml",
        "views/account_payment_views.xml",
        "views/sdm_finance_menus.xml",
    ],
    "demo": [
        "demo/sdm_finance_demo.xml",
    ],
}
