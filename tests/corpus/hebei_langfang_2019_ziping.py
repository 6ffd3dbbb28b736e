"""项目支出绩效自评表(2019年度) (办公宿舍楼、食堂及餐厅暖通改造经费) — 廊坊市食品工程学校,
河北省廊坊市, 2019.

Source: http://www.lfsp.cn/newsinfo/1158053.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published ("2019年度)" without its opening bracket, indented 上年结转资金/其他资金, line breaks
inside header cells). The stored text ends inside the 满意度 group's 指标2 row: the rest of that
row and any later rows (……, 总分) are missing and not rebuilt. The template's unused 指标1/指标2/……
rows are kept in the grid; only the filled rows are asserted.
"""

from tests.corpus._build import Form

_REASON = "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"


def _row(
    level1=None,
    level2=None,
    name=None,
    target=None,
    actual=None,
    weight=None,
    score=None,
    reason=None,
) -> list:
    return [level1, level2, name, target, actual, weight, score, reason]


def _group(level1, level2, first: list) -> list[list]:
    """A 二级 group as the template prints it: the filled 指标1 row, then 指标2 and …… left blank."""
    return [_row(level1, level2, *first), _row(name="指标2"), _row(name="……")]


FORM = Form(
    sheet="Sheet1",
    rows=[
        ["附件1"],
        ["项目支出绩效自评表"],
        ["2019年度)"],
        ["项目名称", "办公宿舍楼、食堂及餐厅暖通改造经费", None, None, None, None, None, None],
        ["主管部门", "廊坊市发改委", None, "实施单位", "廊坊市食品工程学校", None, None, None],
        [
            "项目资金\n(万元)",
            None,
            "年初\n预算数",
            "全年\n预算数",
            "全年\n执行数",
            "分值",
            "执行率",
            "得分",
        ],
        [None, "年度资金总额", 43.2, 43.2, 37.24, 10, "86%", 9],
        [None, "其中:当年财政拨款", 43.2, 43.2, 37.24, None, None, None],
        [None, "      上年结转资金", None, None, None, None, None, None],
        [None, "  其他资金", None, None, None, None, None, None],
        ["年度总体目标", "预期目标", None, None, "实际完成情况", None, None, None],
        [None, 43.2, None, None, 37.24, None, None, None],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度\n指标值",
            "实际\n完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        *_group("产出指标", "数量指标", ["指标1工程资金金额", 43.2, 37.24, 10, 9, _REASON]),
        _row(None, "质量指标", "指标1工程完工率", 100, 100, 10, 10),
        _row(name="指标2工程验收合格率", target=100, actual=100, weight=10, score=10),
        _row(name="……"),
        *_group(None, "时效指标", ["指标1项目完成及时率", 100, 100, 10, 10]),
        *_group(None, "成本指标", ["指标1成本控制率", 100, 100, 10, 10]),
        *_group("效益指标", "经济效益\n指标", ["指标1安全率", 100, 100, 10, 10, 0]),
        *_group(None, "社会效益\n指标", ["指标1学校发展能力", 100, 100, 10, 10, 0]),
        *_group(None, "生态效益\n指标", ["指标1"]),
        *_group("效益指标", "可持续影响\n指标", ["指标1长期使用性", 100, 100, 10, 10]),
        _row("满意度\n指标", "服务对象满意度指标", "指标1学生满意度", 100, 100, 10, 10, 0),
        _row(name="指标2"),
    ],
    merges=[
        "A1:H1",
        "A2:H2",
        "A3:H3",
        "B4:H4",
        "B5:C5",
        "E5:H5",
        "A6:A10",
        "A11:A12",
        "B11:D11",
        "E11:H11",
        "B12:D12",
        "E12:H12",
        "A14:A25",
        "B14:B16",
        "B17:B19",
        "B20:B22",
        "B23:B25",
        "A26:A34",
        "B26:B28",
        "B29:B31",
        "B32:B34",
        "A35:A37",
        "B35:B37",
        "A38:A39",
        "B38:B39",
    ],
    title_rows=3,
)

_FILLED = [
    ("产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24", "9", _REASON),
    ("产出指标", "质量指标", "指标1工程完工率", "100", "100", "10", None),
    ("产出指标", "质量指标", "指标2工程验收合格率", "100", "100", "10", None),
    ("产出指标", "时效指标", "指标1项目完成及时率", "100", "100", "10", None),
    ("产出指标", "成本指标", "指标1成本控制率", "100", "100", "10", None),
    ("效益指标", "经济效益\n指标", "指标1安全率", "100", "100", "10", "0"),
    ("效益指标", "社会效益\n指标", "指标1学校发展能力", "100", "100", "10", "0"),
    ("效益指标", "可持续影响\n指标", "指标1长期使用性", "100", "100", "10", None),
    ("满意度\n指标", "服务对象满意度指标", "指标1学生满意度", "100", "100", "10", "0"),
]


def _indicator(level1, level2, name, target, actual, score, reason) -> dict[str, str]:
    item = {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": "10",
        "score": score,
    }
    if reason is not None:
        item["deviation"] = reason
    return item


EXPECTED = {
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "办公宿舍楼、食堂及餐厅暖通改造经费",
                "department": "廊坊市发改委",
                "unit": "廊坊市食品工程学校",
                # Money amounts typed where the goal texts belong, as published.
                "annual_goal": "43.2",
                "actual_result": "37.24",
            },
            "money": {
                "total": {
                    "budget": "43.2",
                    "adjusted": "43.2",
                    "executed": "37.24",
                    "weight": "10",
                    "rate": "86%",
                    "score": "9",
                },
                "fiscal": {"budget": "43.2", "adjusted": "43.2", "executed": "37.24"},
            },
            "indicators": [_indicator(*row) for row in _FILLED],
            "unmapped": {},
        },
    ],
    "not_indicators": [],
}
