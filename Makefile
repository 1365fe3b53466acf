# SDM for Odoo - see README.md. Every target is idempotent.
.PHONY: run test e2e test-odoo lint pot setup db-stop

run:        ## set everything up and serve the demo database on http://localhost:8069
	bash tools/sdm.sh run

test:       ## fresh test database + the whole test suite through pytest-odoo
	bash tools/sdm.sh test $(ARGS)

e2e:        ## fresh e2e database + the browser (desktop/phone) and external API suite in tests/e2e
	bash tools/sdm.sh e2e $(ARGS)

test-odoo:  ## stock Odoo's sale, sale_stock and account tests with the SDM addons installed
	bash tools/sdm.sh test-odoo

lint:       ## pre-commit: ruff + pylint-odoo
	bash tools/sdm.sh lint

pot:        ## regenerate i18n/*.pot from a database and merge into zh_CN.po
	bash tools/sdm.sh pot

setup:
	bash tools/sdm.sh setup

db-stop:
	bash tools/sdm.sh db-stop
