"""Flow 5: a salesperson reviews how well they defend one of their customers on the wall-criteria scorecard, scores
every criterion on screen, plans actions and confirms: the actions become their activities."""

import re
import time
from datetime import date, timedelta

from playwright.sync_api import expect

TEMPLATE = "Existing Customer Defense Review (Wall Criteria)"
SCORES = [7, 6, 5, 4, 6, 3, 5, 6]  # today's score of each criterion, in the scorecard's order
ACTIONS = {  # criterion index: (action, days from today)
    0: ("Join the customer's planning meeting for next year", 14),
    5: ("Offer a consignment stock trial on the second line", 30),
}


def type_into(field, value):
    """Type into a field widget's editor (input or textarea) and leave it."""
    editor = field.locator("textarea, input").first
    editor.fill(str(value))
    if editor.evaluate("e => e.tagName") == "INPUT":
        editor.press("Tab")
    else:
        editor.blur()


def score_line_inline(s, row, score, action=None, when=None):
    """Desktop: the criteria are an editable list."""
    for name, value in (("score", score), ("action", action), ("action_date", when)):
        if value is None:
            continue
        row.locator(f"td[name='{name}']").click()
        type_into(row.locator(f".o_field_widget[name='{name}']"), value)
        s.page.keyboard.press("Escape") if name == "action_date" else None


def score_line_dialog(s, card, score, action=None, when=None):
    """Phone: the criteria are cards; a tap opens the criterion's form in a dialog."""
    card.click()
    dialog = s.page.locator(".modal:visible").last
    dialog.locator(".o_form_view").wait_for(state="visible")
    type_into(dialog.locator(".o_field_widget[name='score']"), score)
    if action:
        type_into(dialog.locator(".o_field_widget[name='action']"), action)
        type_into(dialog.locator(".o_field_widget[name='action_date']"), when)
    dialog.locator(".modal-footer .o_form_button_save").click()
    dialog.wait_for(state="detached")
    s.ready(None)


def test_flow5_scoring(ui, admin, world, make_customer):
    today = date.today()
    suffix = f"{ui.size[0].upper()}{int(time.time()) % 1_000_000:06d}"
    customer_name = f"E2E Defended Customer {suffix}"
    customer = make_customer(customer_name)
    customer_name = admin.read("res.partner", customer, ["name"])["name"]
    template = admin.ref("sdm_crm_scoring.scorecard_wall_criteria")
    criteria = admin.search_read(
        "sdm.scorecard.criterion", [("template_id", "=", template)], ["name", "weight"], order="sequence, id"
    )
    assert len(criteria) == len(SCORES)
    sales = world["users"]["sales"]
    deadlines = {index: today + timedelta(days=days) for index, (_action, days) in ACTIONS.items()}

    # ---------------------------------------------------------------- from the customer to a new review
    s = ui.login("e2e.sales")
    s.record("res.partner", customer)
    s.button("action_sdm_defense_reviews")
    s.ready(".o_action_manager .o_view_controller")
    s.page.locator("button.o-kanban-button-new:visible, button.o_list_button_add:visible").first.click()
    s.ready(".o_form_view")
    expect(s.field("partner_id").locator("input")).to_have_value(customer_name)  # proposed from the customer
    s.many2one("template_id", "Wall Criteria", pick=TEMPLATE)
    lines = s.field("line_ids")
    rows = lines.locator(".o_data_row, .o_kanban_record:not(.o_kanban_ghost)")
    expect(rows).to_have_count(len(SCORES))
    expect(rows.first).to_contain_text(criteria[0]["name"])
    # Nothing scored yet: no criterion shows a score of 0 (blank in the list, "–" on the cards).
    for index in range(len(SCORES)):
        if s.phone:
            expect(rows.nth(index)).to_contain_text(re.compile(r"Today\s*–"))
        else:
            expect(rows.nth(index).locator("td[name='score']")).to_have_text("")
    s.shot("review-new")

    # ---------------------------------------------------------------- scores and actions, on screen
    fmt = "%m/%d/%Y"  # the users' language is en_US
    for index, score in enumerate(SCORES):
        action, when = ACTIONS.get(index, (None, None))
        when = deadlines[index].strftime(fmt) if action else None
        if s.phone:
            score_line_dialog(s, rows.nth(index), score, action, when)
        else:
            score_line_inline(s, rows.nth(index), score, action, when)
    s.page.locator(".o_form_view .oe_title").first.click()
    s.save()
    weights = [c["weight"] for c in criteria]
    expected = round(100 * sum(w * (v - 1) for w, v in zip(weights, SCORES, strict=True)) / (sum(weights) * 8), 2)
    expect(s.field("gap")).to_contain_text(f"{100 - expected:.2f}")
    review_id = int(s.page.url.rstrip("/").split("/")[-1].split("?")[0])
    s.shot("review-scored")

    # ---------------------------------------------------------------- confirm: the actions become activities
    s.button("action_confirm")
    s.state_is("Confirmed")
    chatter = s.page.locator(".o-mail-Chatter")
    expect(chatter).to_contain_text(f"Review confirmed: score {expected} / 100")
    activities = chatter.locator(".o-mail-Activity")
    expect(activities).to_have_count(len(ACTIONS))
    for index in ACTIONS:
        expect(chatter).to_contain_text(criteria[index]["name"])
    activities.first.scroll_into_view_if_needed()
    s.shot("review-confirmed-activities")

    # The salesperson's activity menu lists their defense reviews.
    s.page.locator(".o_menu_systray button:has(.fa-clock-o)").click()
    group = s.page.locator(".o-mail-ActivityGroup[data-model_name='sdm.defense.review']")
    expect(group).to_be_visible()
    mine = admin.search_read(
        "mail.activity",
        [("res_model", "=", "sdm.defense.review"), ("user_id", "=", sales), ("date_deadline", ">", today.isoformat())],
        ["id"],
    )
    expect(group).to_contain_text(f"{len(mine)} Future")
    assert group.bounding_box()["x"] + group.bounding_box()["width"] <= s.page.viewport_size["width"] + 1
    s.shot("activity-menu")

    # ---------------------------------------------------------------- the API agrees
    review = admin.read("sdm.defense.review", review_id, ["state", "partner_id", "user_id", "score", "line_ids"])
    assert review["state"] == "confirmed"
    assert review["partner_id"][0] == customer and review["user_id"][0] == sales
    assert abs(review["score"] - expected) < 0.01, review
    lines = admin.read("sdm.defense.review.line", review["line_ids"], ["criterion_id", "score", "action"])
    assert [line["score"] for line in lines] == SCORES
    found = admin.search_read(
        "mail.activity",
        [("res_model", "=", "sdm.defense.review"), ("res_id", "=", review_id)],
        ["user_id", "summary", "note", "date_deadline", "activity_type_id"],
        order="date_deadline",
    )
    assert len(found) == len(ACTIONS), found
    for activity, index in zip(found, sorted(ACTIONS, key=lambda i: deadlines[i]), strict=True):
        assert activity["user_id"][0] == sales, activity
        assert activity["summary"] == criteria[index]["name"], activity
        assert ACTIONS[index][0].replace("'", "&#x27;") in activity["note"] or ACTIONS[index][0] in activity["note"]
        assert activity["date_deadline"] == deadlines[index].isoformat()
        assert activity["activity_type_id"][0] == admin.ref("mail.mail_activity_data_todo")
