"""项目支出绩效自评表(2022年度) (委托业务项目) — 池州市贵池区棠溪镇人民政府, 安徽省池州市贵池区棠溪镇, 2022.

Source: http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (the total line's 0 / 0 / 0 beside 本年财政拨款 90 / 89.974 / 89.974 is kept). The
stored text is one line of space-separated tokens, so the row breaks and spans are the research
note's reading. It is cut inside the 满意度 row: that row's 三级 (公众满…) and every cell after it
are missing, left empty and not asserted; any 总分 row is absent.
"""

from tests.corpus._build import Form

_GOAL = (
    "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
    "30万元用于基建工程项目设计、规划、测绘。"
)
_DONE = (
    "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
    "29.99万元用于基建工程项目设计、规划、测绘。"
)
_MET = "达成预期指标"

# (一级 or None, 二级 or None, 三级, 年度指标值, 实际完成值, 分值, 得分)
_BODY = [
    ("产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", 50, 8, 8),
    (None, "质量指标", "委托业务报告合格率", "≥100百分比", 100, 8, 8),
    (None, None, "经费支出合规性", "严格执行相关制度规定", _MET, 8, 8),
    (None, "时效指标", "提交报告及时性", "在项目计划完成时间内完成", _MET, 8, 8),
    (None, "成本指标", "项目总成本", "≤90万元", 90, 8, 8),
    (None, None, "单项业务成本", "符合相关规定", _MET, 10, 10),
    ("效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", _MET, 10, 10),
    (None, "生态效益指标", "对控制基建项目成本影响程度", "效果明显", _MET, 10, 10),
    (
        None,
        "可持续影响指标",
        "对推动基建项目“四项制度”健全和落实的持续性影响",
        "效果明显",
        _MET,
        10,
        10,
    ),
    (None, "经济效益指标", None, None, None, None, None),
    ("满意度指标(10分)", "满意度指标", None, None, None, None, None),
]

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["附件:"],
        ["项目支出绩效自评表"],
        ["(2022年度)"],
        ["项目名称", "委托业务项目", None, None, None, None, None, None, None],
        [
            "主管部门",
            "219-池州市贵池区棠溪镇人民政府",
            None,
            None,
            "实施单位",
            "219001-池州市贵池区棠溪镇人民政府",
            None,
            None,
            None,
        ],
        [
            "项目资金 (万元)",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
            None,
        ],
        ["年度资金总额:", None, 0, 0, 0, 10, 0, 0, None],
        ["其中:本年财政拨款", None, 90, 89.974, 89.974, None, None, None, None],
        ["上年结转资金", None, None, None, None, None, None, None, None],
        ["其他资金", None, None, None, None, None, None, None, None],
        ["年度总体目标", "预期目标", None, None, None, "实际完成情况", None, None, None],
        [None, _GOAL, None, None, None, _DONE, None, None, None],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        *[[None, *row, None] for row in _BODY],
    ],
    merges=[
        "A1:I1",
        "A2:I2",
        "A3:I3",
        "B4:I4",
        "B5:D5",
        "F5:I5",
        "A6:B6",
        "H6:I6",
        "A7:B7",
        "H7:I7",
        "A8:B8",
        "H8:I8",
        "A9:B9",
        "H9:I9",
        "A10:B10",
        "H10:I10",
        "A11:A12",
        "B11:E11",
        "F11:I11",
        "B12:E12",
        "F12:I12",
        "A13:A24",
        "B14:B19",
        "C15:C16",
        "C18:C19",
        "B20:B23",
    ],
    title_rows=3,
)


def _indicators() -> list[dict[str, str]]:
    out, level1, points, level2 = [], "", "", ""
    for first, second, name, target, actual, weight, score in _BODY:
        if first:
            level1, points = first.removesuffix("分)").split("(")
        level2 = second or level2
        if name is None:
            continue
        out.append(
            {
                "level1": level1,
                "level1_weight": points,
                "level2": level2,
                "name": name,
                "target": target,
                "actual": str(actual),
                "weight": str(weight),
                "score": str(score),
            }
        )
    return out


EXPECTED = {
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "委托业务项目",
                "department": "219-池州市贵池区棠溪镇人民政府",
                "unit": "219001-池州市贵池区棠溪镇人民政府",
                "annual_goal": _GOAL,
                "actual_result": _DONE,
            },
            "money": {
                "total": {
                    "budget": "0",
                    "adjusted": "0",
                    "executed": "0",
                    "weight": "10",
                    "rate": "0",
                    "score": "0",
                },
                "fiscal": {"budget": "90", "adjusted": "89.974", "executed": "89.974"},
            },
            "indicators": _indicators(),
            "unmapped": {},
        },
    ],
    "not_indicators": [],
}
