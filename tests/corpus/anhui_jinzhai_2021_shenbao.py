"""项目支出绩效目标申报表(2021年度) (物业管理) — 安徽金寨经济开发区管理委员会, 安徽省六安市金寨县, 2021.

Source: https://www.ahjinzhai.gov.cn/public/6617781/34383152.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (指标1: prefixes and the template's (≤**万元)/(≥**%) placeholders kept). The boundary
between 三级指标 and 指标值 is read from the stored spaces; the spaces after the 年度目标 text are
dropped. The second 注 line is cut off in the stored text and is left out.
"""

from tests.corpus._build import Form

_BODY = [
    ("产出指标", "数量指标", "指标1:安置小区物业费", "8个"),
    (
        None,
        "质量指标",
        "指标1:完成开发区工委、管委下达的安置小区物业费清算任务,指导小区物业开展文明创建等工作。",
        "房屋设备、设施的管理到位,环境卫生整洁,车辆停放有序",
    ),
    (None, "时效指标", "指标1:按时保质完成开发区安置小区物业管理工作", "2021年全年"),
    (None, "成本指标", "指标1:项目总成本(≤**万元)", "≤1125万元"),
    (
        "效益指标",
        "经济效益指标",
        "指标1:清算8个安置小区本年度物业费和历史的遗留物业费(≥**%)。",
        "≥95%",
    ),
    (
        None,
        "社会效益指标",
        "指标1:改善安置小区群众生活质量,提升安置小区生活水平。助力全县文明城市创建。",
        "显著改善",
    ),
    (
        None,
        "生态效益指标",
        "指标1:优化安置小区生活环境,提高居民生活质量,营造安全舒适的居住环境。",
        "显著提高",
    ),
    (None, "可持续影响指标", "指标1:持续提供人力物力保障,解决居民群众生产生活问题", "持续保障"),
    ("满意度指标", "服务对象满意度指标", "指标1:小区居民满意度(≥**%)", "≥90%"),
]
_GOAL = "目标1:维护辖区各安置小区安全巡逻、环境卫生及物业日常管理"

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["项目支出绩效目标申报表"],
        ["(2021年度)"],
        ["项目名称", "物业管理", None, None, None],
        ["主管部门", "县财政局", "实施单位", "安徽金寨经济开发区管理委员会", None],
        ["项目资金    (万元)", "年度资金总额:", 1125, None, None],
        [None, "其中:财政拨款", 1125, None, None],
        [None, "其他资金", None, None, None],
        ["年度目标", _GOAL, None, None, None],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        *[[None, *row] for row in _BODY],
        ["注: 1.“其他资金”是指与财政拨款共同用于同一项目的单位自有资金、社会资金等。"],
    ],
    merges=[
        "A1:E1",
        "A2:E2",
        "B3:E3",
        "D4:E4",
        "A5:A7",
        "C5:E5",
        "C6:E6",
        "C7:E7",
        "B8:E8",
        "A9:A18",
        "B10:B13",
        "B14:B17",
        "A19:E19",
    ],
    title_rows=2,
)


def _indicators() -> list[dict[str, str]]:
    out, level1 = [], ""
    for first, level2, name, target in _BODY:
        level1 = first or level1
        out.append({"level1": level1, "level2": level2, "name": name, "target": target})
    return out


EXPECTED = {
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "物业管理",
                "department": "县财政局",
                "unit": "安徽金寨经济开发区管理委员会",
                "annual_goal": _GOAL,
            },
            "money": {"total": {"amount": "1125"}, "fiscal": {"amount": "1125"}},
            "indicators": _indicators(),
            "unmapped": {},
        },
    ],
    "not_indicators": [],
}
