{
    "name": "SDM Finance",
    "summary": "SDM finance: receivables by sales region and branch; home of rebates and customer statements",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/sdm-odoo/sdm-odoo",
    "author": "SDM for Odoo",
    "license": "LGPL-3",
    "depends": ["sdm_sales", "account"],
    "data": [
        "views/account_move_views.xml",
        "views/sdm_finance_menus.xml",
    ],
}
