#!/usr/bin/env python3
"""Writes collections_reports/data/files/collections_dashboard.json, the Collections dashboard of Odoo's
Dashboards app (an o-spreadsheet snapshot, as Odoo's own spreadsheet_dashboard_* addons ship theirs).

The snapshot is written by code so that its pivots, lists, charts and cells stay consistent with each other
and reviewable in a diff: edit this file and run it again (``python3 scripts/build_dashboard.py``). Labels
are ``_t("...")`` formulas and chart titles: Odoo's translation export picks both from ``*_dashboard.json``.
"""

import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "collections_reports/data/files/collections_dashboard.json"

# global filters: ids are fixed so that the snapshot is stable
F_PERIOD = "c0a1e7d2-0001-4c6e-9a51-collections01"
F_COLLECTOR = "c0a1e7d2-0002-4c6e-9a51-collections02"
F_SEGMENT = "c0a1e7d2-0003-4c6e-9a51-collections03"
F_STAGE = "c0a1e7d2-0004-4c6e-9a51-collections04"
GLOBAL_FILTERS = [
    {"id": F_PERIOD, "type": "date", "label": "Period", "defaultValue": "last_90_days"},
    {"id": F_COLLECTOR, "type": "relation", "label": "Collector", "modelName": "res.users",
     "defaultValueDisplayNames": []},
    {"id": F_SEGMENT, "type": "relation", "label": "Segment", "modelName": "collection.segment",
     "defaultValueDisplayNames": []},
    {"id": F_STAGE, "type": "relation", "label": "Stage", "modelName": "collection.stage",
     "defaultValueDisplayNames": []},
]

# per model: the field each filter applies to (a model without a field for a filter ignores it)
MATCHING = {
    "collection.aging.report": {"user_id": F_COLLECTOR, "segment_id": F_SEGMENT, "stage_id": F_STAGE},
    "collection.case": {"user_id": F_COLLECTOR, "segment_id": F_SEGMENT, "stage_id": F_STAGE},
    "collection.collector.report": {"month": F_PERIOD, "user_id": F_COLLECTOR},
    "collection.promise.report": {"made_on": F_PERIOD, "user_id": F_COLLECTOR, "segment_id": F_SEGMENT,
                                  "stage_id": F_STAGE},
    "collection.recovery.report": {"date_entered": F_PERIOD, "user_id": F_COLLECTOR, "segment_id": F_SEGMENT,
                                   "stage_id": F_STAGE},
    "collection.plan.compliance.report": {"date": F_PERIOD, "user_id": F_COLLECTOR, "segment_id": F_SEGMENT},
    "collection.kpi.month": {},
}
DATE_FIELDS = {"month", "made_on", "date_entered", "date"}


def field_matching(model):
    matching = {}
    for field, filter_id in MATCHING[model].items():
        if field in DATE_FIELDS:
            matching[filter_id] = {"chain": field, "type": "date", "offset": 0}
        else:
            matching[filter_id] = {"chain": field, "type": "many2one"}
    return matching


PIVOTS = {}


def pivot(name, model, measures, rows=(), domain=(), sort=None):
    """An ODOO pivot; ``measures`` are (field, aggregator, label)."""
    pivot_id = str(len(PIVOTS) + 1)
    PIVOTS[pivot_id] = {
        "type": "ODOO", "id": pivot_id, "formulaId": pivot_id, "name": name, "model": model,
        "domain": list(domain), "context": {},
        "measures": [{"id": "__count" if field == "__count" else f"{field}:{agg}", "fieldName": field,
                      "aggregator": agg, "userDefinedName": label}
                     for field, agg, label in measures],
        "rows": [{"fieldName": row} for row in rows], "columns": [],
        "sortedColumn": {"measure": sort, "order": "desc", "domain": []} if sort else None,
        "fieldMatching": field_matching(model),
    }
    if not sort:
        del PIVOTS[pivot_id]["sortedColumn"]
    return pivot_id


P_AGING = pivot("Open receivables by age", "collection.aging.report",
                [("amount_residual", "sum", "Open"), ("amount_overdue", "sum", "Overdue")], rows=["bucket"])
P_PROMISES = pivot("Promises kept", "collection.promise.report",
                   [("kept_rate", "avg", "Promises kept (%)"), ("kept_count", "sum", "Kept"),
                    ("broken_count", "sum", "Broken")])
P_RECOVERY = pivot("Recovery rate", "collection.recovery.report",
                   [("recovery_rate", "avg", "Recovery rate (%)"), ("amount_recovered", "sum", "Recovered"),
                    ("amount_entered", "sum", "Entered")], domain=[["catch_up", "=", False]])
P_PLANS = pivot("Payment plan compliance", "collection.plan.compliance.report",
                [("compliance_rate", "avg", "Compliance (%)"), ("decided_count", "sum", "Decided")])
P_COLLECTORS = pivot("Top collectors", "collection.collector.report",
                     [("collected_30d", "sum", "Collected"), ("contact_count", "sum", "Contacts")],
                     rows=["user_id"], domain=[["user_id", "!=", False]], sort="collected_30d:sum")
P_CASES = pivot("Open cases", "collection.case", [("__count", "sum", "Cases")], domain=[["state", "=", "open"]])

LISTS = {
    "1": {
        "id": "1", "name": "Receivables KPIs by month", "model": "collection.kpi.month",
        "columns": ["month", "dso", "cei", "current_share", "collections", "sales", "currency_id"],
        # one company's months, latest first (with several companies selected: the first one's)
        "domain": [], "context": {}, "orderBy": [{"name": "company_id", "asc": True}, {"name": "month", "asc": False}],
        "fieldMatching": {},
    },
    # the ten largest open debts: a list sorted in SQL (a pivot by debtor would bring every debtor to the browser)
    "2": {
        "id": "2", "name": "Top debtors", "model": "collection.case",
        "columns": ["partner_id", "amount_overdue", "days_overdue"],
        "domain": [["state", "=", "open"], ["amount_overdue", ">", 0]], "context": {},
        "orderBy": [{"name": "amount_overdue", "asc": False}],
        "fieldMatching": field_matching("collection.case"),
    },
}


def view_link(label, model, view_type, domain=(), context=None):
    """A title cell that opens the report behind it (as Odoo's dashboards do)."""
    action = {"domain": list(domain), "context": context or {}, "modelName": model,
              "views": [[False, view_type], [False, "list"], [False, "search"]]}
    payload = {"viewType": view_type, "action": action, "threshold": 0, "name": label}
    return f"[{label}](odoo://view/{json.dumps(payload, separators=(',', ':'))})"


# ---------------------------------------------------------------- the Data sheet (figures' sources)
def money(cell):
    """An amount as people say it on a headline: "61,1 M COP" from a million up, "845.000 COP" below (the
    spreadsheet writes the separators of the user's language; the code is the company currency's)."""
    currency = 'ODOO.LIST(1,1,"currency_id")'
    # a headline card holds about ten characters: no decimal from a hundred million up ("127 M COP")
    return (f'=IF(ABS({cell})>=100000000,CONCATENATE(TEXT({cell}/1000000,"#,##0")," M ",{currency}),'
            f'IF(ABS({cell})>=1000000,CONCATENATE(TEXT({cell}/1000000,"#,##0.0")," M ",{currency}),'
            f'CONCATENATE(TEXT({cell},"#,##0")," ",{currency})))')


DATA = {
    "A1": '=_t("KPI")', "B1": '=_t("Value")', "C1": '=_t("Shown")', "D1": '=_t("Compared with")',
    "A2": '=_t("Open receivables")', "B2": f'=PIVOT.VALUE({P_AGING},"amount_residual:sum")',
    "A3": '=_t("Current")', "B3": f'=PIVOT.VALUE({P_AGING},"amount_residual:sum","bucket","current")',
    # overdue as the case and the portal say it (collection.overdue): not under a plan, disputed or excluded
    "A4": '=_t("Overdue")', "B4": f'=PIVOT.VALUE({P_AGING},"amount_overdue:sum")', "C4": money("B4"),
    "D4": '=CONCATENATE(ROUND(IFERROR(B4/B2*100)),"% ",_t("of receivables"))',
    "A5": '=_t("DSO this month")', "B5": '=ROUND(ODOO.LIST(1,1,"dso"))',
    "A6": '=_t("DSO last month")', "B6": '=ROUND(ODOO.LIST(1,2,"dso"))',
    "A7": '=_t("CEI last month")', "B7": '=ROUND(ODOO.LIST(1,2,"cei"))',
    "A8": '=_t("CEI the month before")', "B8": '=ROUND(ODOO.LIST(1,3,"cei"))',
    "A9": '=_t("Collected last month")', "B9": '=ROUND(ODOO.LIST(1,2,"collections"))', "C9": money("B9"),
    "D9": '=CONCATENATE(IF(B9>=B10,"+",""),TEXT(IFERROR(B9/B10-1)*100,"0.0"),"% ",_t("vs the month before"))',
    "A10": '=_t("Collected the month before")', "B10": '=ROUND(ODOO.LIST(1,3,"collections"))',
    "A11": '=_t("Promises kept (%)")', "B11": f'=ROUND(IFERROR(PIVOT.VALUE({P_PROMISES},"kept_rate:avg")))',
    "C11": '=CONCATENATE(B11,"%")',
    # counts said in words, singular apart ("1 cumplida", "2 cumplidas")
    "D11": '=CONCATENATE(IF(E11=1,_t("1 kept"),CONCATENATE(E11," ",_t("kept"))),", ",'
           'IF(F11=1,_t("1 broken"),CONCATENATE(F11," ",_t("broken"))))',
    "E11": f'=PIVOT.VALUE({P_PROMISES},"kept_count:sum")+0', "F11": f'=PIVOT.VALUE({P_PROMISES},"broken_count:sum")+0',
    "A12": '=_t("Recovery rate (%)")', "B12": f'=ROUND(IFERROR(PIVOT.VALUE({P_RECOVERY},"recovery_rate:avg")))',
    "C12": '=CONCATENATE(B12,"%")',
    "D12": money(f'PIVOT.VALUE({P_RECOVERY},"amount_recovered:sum")'),
    "A13": '=_t("Plan compliance (%)")', "B13": f'=ROUND(IFERROR(PIVOT.VALUE({P_PLANS},"compliance_rate:avg")))',
    "C13": '=CONCATENATE(B13,"%")',
    "D13": '=IF(E13=1,_t("1 installment due"),CONCATENATE(E13," ",_t("installments due")))',
    "E13": f'=PIVOT.VALUE({P_PLANS},"decided_count:sum")+0',
    "A14": '=_t("Open cases")', "B14": f'=PIVOT.VALUE({P_CASES},"__count")', "C14": "=B14",
    "A15": '=_t("AR current (%)")', "B15": '=ROUND(IFERROR(B3/B2*100))',
    "D14": '=CONCATENATE(B15,"% ",_t("of receivables current"))',
}

# ---------------------------------------------------------------- the Dashboard sheet
RED, GREEN = "#DC6965", "#00A04A"


def scorecard(chart_id, title, key, baseline=None, mode="text", descr="", x=0, y=0, background="#EFF6FF",
              up_is_good=True, humanize=False):
    data = {
        "type": "scorecard", "title": {"text": title, "color": "#434343", "bold": True},
        "background": background, "keyValue": key, "humanize": humanize, "baselineMode": mode,
        "baselineColorUp": GREEN if up_is_good else RED, "baselineColorDown": RED if up_is_good else GREEN,
        "baselineDescr": {"text": descr}, "chartId": chart_id,
    }
    if baseline:
        data["baseline"] = baseline
    return {"id": chart_id, "tag": "chart", "width": 232, "height": 110, "col": 0, "row": 0,
            "offset": {"x": x, "y": y}, "data": data}


def odoo_chart(chart_id, chart_type, model, group_by, measure, domain=(), row=0, col=0, x=0, width=470,
               height=330, mode="bar", **extra):
    data = {
        "type": chart_type, "title": {"text": ""}, "background": "#FFFFFF", "legendPosition": "none",
        "metaData": {"groupBy": group_by, "measure": measure, "order": None, "resModel": model, "mode": mode},
        "searchParams": {"comparison": None, "context": {}, "domain": list(domain), "groupBy": group_by,
                         "orderBy": []},
        # amounts in full on the axes ("30.000.000", not "30.000k"): people read them in their own notation
        "dataSets": [{}], "chartId": chart_id, "fieldMatching": field_matching(model), "humanize": False, **extra,
    }
    return {"id": chart_id, "tag": "chart", "width": width, "height": height, "col": col, "row": row,
            "offset": {"x": x, "y": 8}, "data": data}


FIGURES = [
    scorecard("cs-overdue", "Overdue", "Data!C4", "Data!D4", descr="", x=0, y=10, background="#FEF2F2"),
    scorecard("cs-dso", "DSO (days)", "Data!B5", "Data!B6", mode="difference", descr="vs last month", x=244,
              y=10, up_is_good=False),
    scorecard("cs-cei", "CEI last month (%)", "Data!B7", "Data!B8", mode="difference", descr="vs the month before",
              x=488, y=10),
    scorecard("cs-collected", "Collected last month", "Data!C9", "Data!D9", descr="", x=732, y=10,
              background="#F0FDF4"),
    scorecard("cs-promises", "Promises kept", "Data!C11", "Data!D11", descr="", x=0, y=132, background="#FFF7ED"),
    scorecard("cs-recovery", "Recovery rate", "Data!C12", "Data!D12", descr="recovered", x=244, y=132,
              background="#FFF7ED"),
    scorecard("cs-plans", "Plan compliance", "Data!C13", "Data!D13", descr="", x=488, y=132,
              background="#FFF7ED"),
    scorecard("cs-cases", "Open cases", "Data!C14", "Data!D14", descr="", x=732, y=132),
    odoo_chart("ch-aging", "odoo_bar", "collection.aging.report", ["bucket"], "amount_residual", row=3,
               stacked=False),
    odoo_chart("ch-funnel", "odoo_funnel", "collection.case", ["stage_id"], "__count",
               domain=[["state", "=", "open"], ["stage_id", "!=", False]], row=3, col=4, mode="funnel",
               cumulative=True),
    odoo_chart("ch-collections", "odoo_line", "collection.kpi.month", ["month:month"], "collections", row=5,
               width=960, height=300, mode="line", stacked=False, fillArea=True, cumulatedStart=False),
]

# rows (0-based in the sheet's sizes, 1-based in cell names): 0 headline figures, 2 titles, 3 aging and funnel,
# 4 title, 5 collections per month, 6 titles, 7- the top tens
CELLS = {
    "A3": view_link("Aged receivables", "collection.aging.report", "graph", context={"group_by": ["bucket"]}),
    "E3": view_link("Cases by stage (cumulative)", "collection.case", "list",
                    domain=[["state", "=", "open"]], context={"group_by": ["stage_id"]}),
    "A5": view_link("Collections per month", "collection.kpi.month", "graph"),
    "A7": view_link("Top collectors", "collection.collector.report", "pivot"),
    "E7": view_link("Top debtors", "collection.case", "list", domain=[["state", "=", "open"]]),
    # the top tens under headers of their own (a pivot's own titles are not translated)
    "A8": '=_t("Collector")', "B8": '=_t("Collected")', "C8": '=_t("Contacts")',
    "E8": '=_t("Debtor")', "F8": '=_t("Overdue")', "G8": '=_t("Days overdue")',
    "A9": f"=PIVOT({P_COLLECTORS}, 10, FALSE, FALSE, , FALSE)",
    **{f"{column}{9 + row}": f'=ODOO.LIST(2,{row + 1},"{field}")'
       for row in range(10) for column, field in (("E", "partner_id"), ("F", "amount_overdue"),
                                                   ("G", "days_overdue"))},
}
STYLES = {"1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
          "2": {"textColor": "#434343", "verticalAlign": "middle"},
          "3": {"textColor": "#434343", "bold": True, "fontSize": 11}}


def snapshot():
    dashboard_cells = dict(CELLS)
    dashboard = {
        "id": "collections-dashboard", "name": "Dashboard", "colNumber": 7, "rowNumber": 22,
        "cols": {"0": {"size": 230}, "1": {"size": 130}, "2": {"size": 100}, "3": {"size": 20},
                 "4": {"size": 240}, "5": {"size": 130}, "6": {"size": 120}},
        "rows": {"0": {"size": 255}, "1": {"size": 6}, "2": {"size": 40}, "3": {"size": 345},
                 "4": {"size": 40}, "5": {"size": 315}, "6": {"size": 40}},
        "merges": [], "cells": dashboard_cells,
        "styles": {"A3": 1, "E3": 1, "A5": 1, "A7": 1, "E7": 1, "A8:C8": 3, "E8:G8": 3, "A9:C18": 2, "E9:G18": 2},
        "formats": {}, "borders": {}, "conditionalFormats": [], "dataValidationRules": [], "figures": [],
        "tables": [], "areGridLinesVisible": False, "isVisible": True, "headerGroups": {"ROW": [], "COL": []},
        "comments": {},
    }
    # figures sit on the rows reserved for them
    for figure in FIGURES:
        dashboard["figures"].append(figure)
    data_sheet = {
        "id": "collections-data", "name": "Data", "colNumber": 4, "rowNumber": 20,
        "cols": {"0": {"size": 220}, "1": {"size": 120}, "2": {"size": 120}, "3": {"size": 220}},
        "rows": {}, "merges": [], "cells": DATA, "styles": {}, "formats": {"B5:B8": 1}, "borders": {},
        "conditionalFormats": [], "dataValidationRules": [], "figures": [], "tables": [],
        "areGridLinesVisible": True, "isVisible": False, "headerGroups": {"ROW": [], "COL": []}, "comments": {},
    }
    return {
        "version": "18.5.10", "sheets": [dashboard, data_sheet], "styles": STYLES, "formats": {"1": "0"},
        "borders": {},
        "revisionId": "START_REVISION", "uniqueFigureIds": True, "settings": {}, "pivots": PIVOTS,
        "pivotNextId": len(PIVOTS) + 1, "customTableStyles": {}, "globalFilters": GLOBAL_FILTERS,
        "lists": LISTS, "listNextId": len(LISTS) + 1,
        "chartOdooMenusReferences": {figure["id"]: "collections_management.collections_management_menu_root"
                                     for figure in FIGURES},
    }


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(snapshot(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")
