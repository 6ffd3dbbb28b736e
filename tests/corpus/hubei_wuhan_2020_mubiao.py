"""项目支出绩效目标表(2020年度) (教育系统基础设施建设和设备购置) — 武汉市青山区教育局, 湖北省武汉市青山区, 2020.

Source: http://www.qingshan.gov.cn/qzfbm/zfgzbm/jyj/czxx/zjxx/202001/t20200120_1016313.shtml
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published ("2020年度)" without its opening bracket, 一级 repeated on every row, not merged). Two
parallel target sets: the 长期 side repeats the 二级 names but is empty, so only the 年度 side is
asserted. The horizontal spans of the header and goal cells are inferred from the empty cells
that follow each value in the stored text.
"""

from tests.corpus._build import Form

_ROWS = [
    ("产出指标", "数量指标", "重点建设工程安排数量", 2),
    ("产出指标", "质量指标", "重点建设工程验收合格率", "100%"),
    ("产出指标", "成本指标", "建设项目成本", "参照政府采购成本控制"),
    ("产出指标", "时效指标", "重点建设工程按期完成率", "100%"),
    ("效益指标", "可持续影响指标", "基础教育巩固提高情况", "巩固提高"),
    ("效益指标", "社会效益指标", "基础教育学校办学条件", "持续改善"),
    ("满意度指标", "服务对象满意度指标", "学生、家长、社会满意度", "≥90%"),
]
_MID = "优化教育布局,推进教育领域综合改革全面提升育人质量实现基础教育持续发展"
_YEAR = "按工作计划完成教育局重点项目建设经费预算安排"

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["项目支出绩效目标表"],
        ["2020年度)"],
        ["项目名称", "教育系统基础设施建设和设备购置", None, None, None, None, None],
        [
            "主管部门及编码",
            "[015001]武汉市青山区教育局",
            None,
            "实施单位",
            "武汉市青山区教育局",
            None,
            None,
        ],
        ["项目属性", "基础建设、修缮类", None, "项目起止时间", "202001-202012", None, None],
        ["项目资金", "资金总额", "10000万元", "当年资金总额:", None, "10000万元", None],
        [None, "其中:财政拨款", "10000万元", "其中:当年财政拨款", None, "10000万元", None],
        [None, "其他资金", None, "当年其他资金", None, None, None],
        ["总体目标", "中期目标", None, None, "年度目标", None, None],
        [None, _MID, None, None, _YEAR, None, None],
        [
            "一级指标",
            "二级指标(长期)",
            "三级指标(长期)",
            "指标值(长期)",
            "二级指标(年度)",
            "三级指标(年度)",
            "指标值(年度)",
        ],
        *[
            [level1, level2, None, None, level2, name, target]
            for level1, level2, name, target in _ROWS
        ],
    ],
    merges=[
        "A1:G1",
        "A2:G2",
        "B3:G3",
        "B4:C4",
        "E4:G4",
        "B5:C5",
        "E5:G5",
        "A6:A8",
        "D6:E6",
        "F6:G6",
        "D7:E7",
        "F7:G7",
        "D8:E8",
        "F8:G8",
        "A9:A10",
        "B9:D9",
        "E9:G9",
        "B10:D10",
        "E10:G10",
    ],
    title_rows=2,
)

EXPECTED = {
    # No unit label; every amount carries it in the cell (10000万元).
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "教育系统基础设施建设和设备购置",
                "department": "[015001]武汉市青山区教育局",
                "unit": "武汉市青山区教育局",
                "period": "202001-202012",
                "overall_goal": _MID,
                "annual_goal": _YEAR,
            },
            # 资金总额 and 当年资金总额 hold the same published amount.
            "money": {"total": {"amount": "10000"}, "fiscal": {"amount": "10000"}},
            "indicators": [
                {"level1": level1, "level2": level2, "name": name, "target": str(target)}
                for level1, level2, name, target in _ROWS
            ],
            "unmapped": {"项目属性": "基础建设、修缮类"},
        },
    ],
    "not_indicators": [],
}
