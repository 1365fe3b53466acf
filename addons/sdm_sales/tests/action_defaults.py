"""What a window action shows when it opens, computed the way Odoo 18's web client does, so that tests check the
numbers a user reads (default filters, list totals) against hand-computed values.

The web client (``web/static/src/search/search_arch_parser.js``) puts the filters of a search view in groups: a
``<separator/>``, a ``<group>`` or a ``<field>`` closes the current group. The active filters of one group are
OR'd, the groups AND'd, then AND'd with the action's domain. A ``search_default_<name>`` key of the action's
context activates the filter ``name``; for a date filter, a string value names the periods (``"year"``,
``"month-1"``), else the filter's ``default_period`` (default: the current month).
"""

from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.osv import expression
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time


def _action(env, action):
    if isinstance(action, str):
        action = env["ir.actions.act_window"]._for_xml_id(action)
    return action


def _eval_context(env):
    today = fields.Date.context_today(env.user)
    return {
        "uid": env.uid,
        "user": env.user,
        "context_today": lambda: today,
        "relativedelta": relativedelta,
        "datetime": safe_datetime,
        "time": safe_time,
        "allowed_company_ids": env.companies.ids,
    }


def _context(env, action):
    context = action.get("context") or {}
    if isinstance(context, str):
        context = safe_eval(context, _eval_context(env))
    return context


def _search_groups(arch):
    """The filters of a search arch, in the web client's groups: lists of ``<filter>`` nodes with a domain or a
    date (group-by filters and fields left out)."""
    groups, current = [], []

    def close():
        nonlocal current
        if current:
            groups.append(current)
        current = []

    def visit(node):
        for child in node:
            if child.tag == "group":
                close()
                visit(child)
                close()
            elif child.tag in ("separator", "field"):
                close()
            elif child.tag == "filter":
                if "group_by" in (child.get("context") or ""):
                    close()
                    continue
                current.append(child)

    visit(etree.fromstring(arch))
    close()
    return groups


def _period_domain(env, model, node, periods):
    """The domain of a date filter for periods such as ``year``, ``year-1``, ``quarter``, ``month`` or
    ``month-1``; a month or a quarter without a year is in the current year, as in the web client."""
    field_name = node.get("date")
    today = fields.Date.context_today(env.user)
    ranges = []
    for period in periods:
        name, _sep, offset = period.partition("-")
        offset = -int(offset) if offset else 0
        if name == "year":
            start = date(today.year + offset, 1, 1)
            ranges.append((start, start + relativedelta(years=1)))
        elif name == "month":
            start = today.replace(day=1) + relativedelta(months=offset)
            ranges.append((start, start + relativedelta(months=1)))
        elif name == "quarter":
            start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) + relativedelta(months=3 * offset)
            ranges.append((start, start + relativedelta(months=3)))
        else:
            raise NotImplementedError(f"date filter period {period!r}")
    if model._fields[field_name].type == "datetime":
        ranges = [(datetime.combine(start, time.min), datetime.combine(end, time.min)) for start, end in ranges]
    return expression.OR([[(field_name, ">=", start), (field_name, "<", end)] for start, end in ranges])


def _search_defaults(env, action):
    """``(model, context, search arch, {filter name: default value})`` of an action: its search view as the web
    client loads it and the ``search_default_*`` keys of its context."""
    model = env[action["res_model"]]
    context = _context(env, action)
    search_view_id = action.get("search_view_id")
    if isinstance(search_view_id, (list, tuple)):
        search_view_id = search_view_id[0]
    arch = model.get_views([(search_view_id or False, "search")])["views"]["search"]["arch"]
    prefix = "search_default_"
    defaults = {key[len(prefix) :]: value for key, value in context.items() if key.startswith(prefix)}
    return model, context, arch, defaults


def default_search(env, action):
    """``(domain, groupbys)`` an action opens with: its domain AND its default filters (grouped as the web client
    groups them), and the group-bys of its context."""
    action = _action(env, action)
    model, context, arch, defaults = _search_defaults(env, action)
    known = set()
    domains = []
    for group in _search_groups(arch):
        active = []
        for node in group:
            name = node.get("name")
            known.add(name)
            value = defaults.get(name)
            if not value:
                continue
            if node.get("date"):
                if isinstance(value, str) and value.lower() not in ("1", "true"):
                    periods = value.split(",")
                else:
                    periods = (node.get("default_period") or "month").split(",")
                active.append(_period_domain(env, model, node, periods))
            else:
                active.append(safe_eval(node.get("domain") or "[]", _eval_context(env)))
        if active:
            domains.append(expression.OR(active))
    group_by_names = {
        node.get("name"): safe_eval(node.get("context"), _eval_context(env)).get("group_by")
        for node in etree.fromstring(arch).iter("filter")
        if "group_by" in (node.get("context") or "")
    }
    unknown = set(defaults) - known - set(group_by_names)
    if unknown:
        raise AssertionError(f"default filters not in the search view: {sorted(unknown)}")
    action_domain = action.get("domain") or []
    if isinstance(action_domain, str):
        action_domain = safe_eval(action_domain, _eval_context(env))
    # The web client orders default group-bys by their value when it is a number (their rank).
    names = [name for name in defaults if name in group_by_names and defaults[name]]
    names.sort(key=lambda name: defaults[name] if isinstance(defaults[name], int) else 100)
    groupbys = [group_by_names[name] for name in names]
    return expression.AND([action_domain, *domains]), groupbys


def list_totals(env, action, domain=None):
    """The totals under the columns of the action's list view (``sum`` attribute) for the records of ``domain``
    (default: what the action opens on): ``{field name: total}``."""
    action = _action(env, action)
    model = env[action["res_model"]]
    if domain is None:
        domain = default_search(env, action)[0]
    view_id = next((view_id for view_id, view_type in action.get("views") or [] if view_type == "list"), False)
    arch = model.get_views([(view_id, "list")])["views"]["list"]["arch"]
    columns = [node.get("name") for node in etree.fromstring(arch).iter("field") if node.get("sum")]
    if not columns:
        return {}
    totals = model.read_group(domain, [f"{name}:sum" for name in columns], [])[0]
    return {name: totals[name] or 0.0 for name in columns}


def pivot_groupbys(env, action):
    """``(row group-bys, column group-bys)`` the action's pivot view opens with: rows from the default group-bys
    of the search, else the action's context (``pivot_row_groupby``), else the pivot arch (``field:interval``);
    columns from the context (``pivot_column_groupby``) else the arch."""
    action = _action(env, action)
    search_groupbys = default_search(env, action)[1]
    model = env[action["res_model"]]
    context = _context(env, action)
    view_id = next((view_id for view_id, view_type in action.get("views") or [] if view_type == "pivot"), False)
    arch = etree.fromstring(model.get_views([(view_id, "pivot")])["views"]["pivot"]["arch"])
    found = {"row": [], "col": []}
    for node in arch.iter("field"):
        if node.get("type") in found:
            name = node.get("name")
            found[node.get("type")].append(f"{name}:{node.get('interval')}" if node.get("interval") else name)
    rows = search_groupbys or context.get("pivot_row_groupby") or found["row"]
    cols = context.get("pivot_column_groupby") or found["col"]
    return list(rows), list(cols)


def graph_setup(env, action):
    """``(group-bys, measure)`` the action's graph view opens with: the default group-bys of the search, else
    the arch's fields; the arch's last measure."""
    action = _action(env, action)
    model = env[action["res_model"]]
    search_groupbys = default_search(env, action)[1]
    view_id = next((view_id for view_id, view_type in action.get("views") or [] if view_type == "graph"), False)
    arch = etree.fromstring(model.get_views([(view_id, "graph")])["views"]["graph"]["arch"])
    groupbys, measure = [], "__count"
    for node in arch.iter("field"):
        if node.get("type") == "measure":
            measure = node.get("name")
        elif not node.get("invisible"):
            name = node.get("name")
            groupbys.append(f"{name}:{node.get('interval')}" if node.get("interval") else name)
    return search_groupbys or groupbys, measure


def or_defaults(env, action):
    """The groups of the action's search view in which it activates more than one filter by default: the web
    client ORs them (``[[name, ...], ...]``)."""
    _model, _context_, arch, defaults = _search_defaults(env, _action(env, action))
    active = {name for name, value in defaults.items() if value}
    groups = [[node.get("name") for node in group if node.get("name") in active] for group in _search_groups(arch)]
    return [names for names in groups if len(names) > 1]
