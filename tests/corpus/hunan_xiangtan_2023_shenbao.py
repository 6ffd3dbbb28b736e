"""2023年项目支出绩效目标申报表 (雾炮车降尘抑尘服务) — 湘潭市环境卫生管理处, 湖南省湘潭市, 2023.

Source: http://xtcg.xiangtan.gov.cn/15068/15075/26693/content_1250928.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (typos and odd symbols kept: 250万, ≥80M). The spans are inferred from the cells
missing at the start of each stored line; the 填表人 line below the grid is kept as one
full-width row. The 经济效益/生态效益/可持续影响 rows are empty 二级 rows, not indicators.
"""

from tests.corpus._build import Form

_PLAN = "计划标准"
_GOAL = "通过采购雾炮车降尘抑尘服务,服务周期2023.07-2024.01,全市空气质量达到优良"

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["2023年项目支出绩效目标申报表"],
        ["填报单位:(盖章) 单位:万元"],
        ["项目支出名称", "雾炮车降尘抑尘服务", "预算部门", "湘潭市环境卫生管理处", None, None],
        ["年度本级 预算金额", "250万", "该项目支出上级资金", 0, None, None],
        ["项目支出实施期", "2023.07-2024.01", None, None, None, None],
        ["实施期绩效目标", _GOAL, None, None, None, None],
        ["本年度绩效目标", _GOAL, None, None, None, None],
        ["本年度 绩效指标", "一级指标", "二级指标", "三级指标", "指标值及单位", "绩效标准"],
        [None, "产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数", "10辆", _PLAN],
        [None, None, None, "雾炮车风炮射程", "≥80M", _PLAN],
        [None, None, "质量指标", "服务周期内空气质量", "优良", _PLAN],
        [None, None, "时效指标", "服务周期", "2023.07-2024.01", _PLAN],
        [None, None, "成本指标", "控制在预算成本内", "250万", _PLAN],
        [None, "效益指标", "经济效益指标", None, None, None],
        [None, None, "社会效益指标", "服务周期内,市民对空气质量改善的满意程度", "≥85%", _PLAN],
        [None, None, "生态效益指标", None, None, None],
        [None, None, "可持续影响指标", None, None, None],
        [None, None, "社会公众或服务对象满意度指标", "市民满意度", "≥90%", _PLAN],
        ["财政部门审核意见", None, None, None, None, None],
        ["填表人: 宋云花 联系电话:16607326331 填报日期: 单位负责人签字:"],
    ],
    merges=[
        "A1:F1",
        "A2:F2",
        "D3:F3",
        "D4:F4",
        "B5:F5",
        "B6:F6",
        "B7:F7",
        "A8:A18",
        "B9:B13",
        "C9:C10",
        "B14:B18",
        "B19:F19",
        "A20:F20",
    ],
    title_rows=2,
)

_ROWS = [
    ("产出指标", "数量指标", "雾炮车降尘抑尘服务配备车辆数", "10辆"),
    ("产出指标", "数量指标", "雾炮车风炮射程", "≥80M"),
    ("产出指标", "质量指标", "服务周期内空气质量", "优良"),
    ("产出指标", "时效指标", "服务周期", "2023.07-2024.01"),
    ("产出指标", "成本指标", "控制在预算成本内", "250万"),
    ("效益指标", "社会效益指标", "服务周期内,市民对空气质量改善的满意程度", "≥85%"),
    ("效益指标", "社会公众或服务对象满意度指标", "市民满意度", "≥90%"),
]

EXPECTED = {
    "money_unit": "万元",
    # 满意度 is a 二级 under 效益指标 and 成本 a 二级 under 产出指标.
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "雾炮车降尘抑尘服务",
                "department": "湘潭市环境卫生管理处",
                "period": "2023.07-2024.01",
                "overall_goal": _GOAL,
                "annual_goal": _GOAL,
                "phone": "16607326331",
            },
            "money": {"total": {"amount": "250"}, "superior": {"amount": "0"}},
            "indicators": [
                {"level1": l1, "level2": l2, "name": name, "target": target, "standard": _PLAN}
                for l1, l2, name, target in _ROWS
            ],
            "unmapped": {"填表人": "宋云花"},
        },
    ],
    "not_indicators": ["财政部门审核意见"],
}
