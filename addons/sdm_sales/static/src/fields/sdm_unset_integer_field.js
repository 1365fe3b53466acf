import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { IntegerField, integerField } from "@web/views/fields/integer/integer_field";

/**
 * An integer where 0 means "not given yet" (a criterion not scored): shown blank, never as a real 0.
 * Clearing the input stores 0 again.
 */
export class SdmUnsetIntegerField extends IntegerField {
    get formattedValue() {
        return this.value === 0 ? "" : super.formattedValue;
    }
}

export const sdmUnsetIntegerField = {
    ...integerField,
    component: SdmUnsetIntegerField,
    displayName: _t("Integer, blank when not given"),
};

registry.category("fields").add("sdm_unset_integer", sdmUnsetIntegerField);
