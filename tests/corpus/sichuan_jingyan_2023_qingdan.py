"""部门预算项目绩效目标申报表(2023年度) — 井研县马踏镇人民政府, 四川省乐山市井研县, 2023.

Source: https://m.qbidia.com/jyx/zjgk/202412/baa621fd1ec74c86bf45aa16dfd0603d.shtml
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (the rows keep the export's order, not grouped by 一级). One list sheet: a department
line, then unit → projects → indicator rows. The stored text is cut inside project 2: its last
row's 权重 and 指标方向性 are missing (left empty, not asserted) and later projects are absent.
The 820-马踏镇部门 cell spanning A:B is inferred; the department total (8,827,620.53) is kept in
the grid but is no project's money, so it is not asserted.
"""

from tests.corpus._build import Form

_P = "正向指标"
_GOAL2 = (
    "包括必要的办公用品费、水电费、报刊费等村社区办公经费,基层党组织开展组织活动、党员干部教育培训,"
    "群团活动开展,组织活动场所维护等。"
)

# (一级, 二级, 三级, 指标性质, 指标值, 度量单位, 权重) in the published order.
_P1 = [
    ("效益指标", "社会效益指标", "维护社会稳定", "≥", 95, "%", 10),
    ("产出指标", "时效指标", "维持时效", "≥", 1, "年", 20),
    ("产出指标", "质量指标", "按时发放", "≥", 1, "人/年", 10),
    ("效益指标", "经济效益指标", "促进村集体经济发展", "≥", 95, "%", 10),
    ("产出指标", "数量指标", "村组干部230人", "≥", 230, "个", 10),
    ("效益指标", "生态效益指标", "保护生态环境卫生", "≥", 95, "%", 10),
    ("效益指标", "可持续影响指标", "项目维持时效", "≥", 95, "%", 10),
    ("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥", 95, "%", 10),
]
_P2 = [
    ("满意度指标", "服务对象满意度指标", "辖区内群众满意度", "≥", 95, "%", 10),
    ("效益指标", "经济效益指标", "促进农村集体经济发展", "≥", 95, "%", 10),
    ("效益指标", "可持续影响指标", "经济、环境等方面可持续发展", "≥", 95, "%", 10),
    ("产出指标", "质量指标", "保障村社区正常运转", "≥", 95, "%", 20),
    ("产出指标", "数量指标", "行政村数量", "=", 11, "个", None),
]


def _grid_row(first: list, row: tuple) -> list:
    *levels, weight = row
    return [*first, *levels, weight, _P if weight is not None else None, None]


_rows = [
    ["部门预算项目绩效目标申报表(2023年度)"],
    ["金额单位:元"],
    [
        "单位名称",
        "项目名称",
        "预算数",
        "年度目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "权重",
        "指标方向性",
        None,
    ],
    [
        "820-马踏镇部门",
        None,
        "8,827,620.53",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]
_rows.append(
    _grid_row(
        ["820001-井研县马踏镇人民政府", "村组干部报酬", "3,309,840.00", "按时发放村组干部报酬"],
        _P1[0],
    )
)
_rows += [_grid_row([None, None, None, None], row) for row in _P1[1:]]
_rows.append(_grid_row([None, "基层组织活动经费", "660,000.00", _GOAL2], _P2[0]))
_rows += [_grid_row([None, None, None, None], row) for row in _P2[1:]]

FORM = Form(
    sheet="Sheet1",
    rows=_rows,
    merges=[
        "A1:M1",
        "A2:M2",
        "A4:B4",
        "A5:A17",
        "B5:B12",
        "C5:C12",
        "D5:D12",
        "B13:B17",
        "C13:C17",
        "D13:D17",
    ],
    title_rows=2,
)


def _indicator(row: tuple) -> dict[str, str]:
    level1, level2, name, nature, value, unit, weight = row
    out = {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": f"{nature}{value}{unit}",
        "nature": nature,
        "value": str(value),
        "measure_unit": unit,
    }
    if weight is not None:
        out |= {"weight": str(weight), "direction": _P}
    return out


_UNIT = "820001-井研县马踏镇人民政府"

EXPECTED = {
    "money_unit": "元",
    "framework": "national-2021",
    "projects": [
        {
            "fields": {
                "name": "村组干部报酬",
                "department": "820-马踏镇部门",
                "unit": _UNIT,
                "annual_goal": "按时发放村组干部报酬",
            },
            "money": {"total": {"amount": "3309840.00"}},
            "indicators": [_indicator(row) for row in _P1],
            "unmapped": {},
        },
        {
            # Incomplete in the stored text: only the visible rows are asserted.
            "fields": {
                "name": "基层组织活动经费",
                "department": "820-马踏镇部门",
                "unit": _UNIT,
                "annual_goal": _GOAL2,
            },
            "money": {"total": {"amount": "660000.00"}},
            "indicators": [_indicator(row) for row in _P2],
            "unmapped": {},
        },
    ],
    "not_indicators": [],
}
