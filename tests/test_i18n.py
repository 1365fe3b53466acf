"""Every term an SDM addon exports today is translated in its committed zh_CN.po, and the committed
.pot lists the same terms (so `make pot` was run after the last change of strings)."""

import io
from pathlib import Path

import polib
from babel.messages import extract

from odoo.tests import TransactionCase
from odoo.tools.translate import trans_export

ADDONS = Path(__file__).resolve().parent.parent / "addons"
SDM_MODULES = ("sdm_sales", "sdm_finance", "sdm_planning", "sdm_crm_scoring")


class TestTranslations(TransactionCase):
    test_tags = {"standard", "post_install"}
    test_module = "sdm_sales"
    test_class = "TestTranslations"
    test_sequence = 0

    def _exported_terms(self, module):
        buffer = io.BytesIO()
        trans_export(False, [module], buffer, "po", self.env.cr)
        return {entry.msgid for entry in polib.pofile(buffer.getvalue().decode()) if entry.msgid}

    def test_zh_cn_is_complete_and_pot_is_current(self):
        for module in SDM_MODULES:
            with self.subTest(module=module):
                exported = self._exported_terms(module)
                self.assertTrue(exported)
                pot = {e.msgid for e in polib.pofile(str(ADDONS / module / "i18n" / f"{module}.pot")) if e.msgid}
                self.assertEqual(exported - pot, set(), f"{module}.pot is missing terms: run `make pot`")
                po = polib.pofile(str(ADDONS / module / "i18n" / "zh_CN.po"))
                translated = {e.msgid for e in po.translated_entries() if "fuzzy" not in e.flags}
                self.assertEqual(exported - translated, set(), f"{module}/i18n/zh_CN.po has untranslated terms")

    def test_every_python_file_yields_its_terms(self):
        """Odoo's term export reads each Python file with babel and skips, silently, a file it cannot read — an
        f-string among the arguments of ``_()`` is enough — so that file's messages would stay English."""
        for path in sorted(ADDONS.glob("sdm_*/**/*.py")):
            with self.subTest(path=str(path.relative_to(ADDONS))), path.open("rb") as source:
                list(extract.extract("python", source, keywords={"_": None, "_lt": None}, options={}))

    def test_chinese_labels_are_loaded(self):
        region = self.env["ir.model.fields"]._get("res.partner", "sdm_region_id")
        self.assertEqual(region.with_context(lang="zh_CN").field_description, "销售区域")
        group = self.env.ref("sdm_sales.group_sdm_regional_manager")
        self.assertEqual(group.with_context(lang="zh_CN").name, "区域经理")
