"""2022年度项目支出绩效自评表 (义务教育营养改善计划专项资金) — 永德县明朗中学, 云南省临沧市永德县, 2022.

Source: https://www.yongde.gov.cn/info/3003/116104.htm
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (≧ U+2267 and ═ U+2550 kept in 指标性质). The stored rows are shifted by rowspans, so
the layout is the research note's reading: the two amounts per money row sit under 全年预算数 /
全年执行数 (年初预算数 left empty, not asserted), and the columns of the `—` cells are inferred,
so they are kept in the grid but not asserted. The heading line's cells (部门, 公开14表) are
placed in one row above the table.
"""

from tests.corpus._build import Form

_GOAL = "确保每一个学生都能享受到国家政策福利,改善学生体质"
_D = "—"

# (一级 or None when merged, 二级 or None when merged, 三级, 指标性质, 指标值, 度量单位, 实际完成值, 分值, 得分)
_BODY = [
    ("产出指标", "数量指标", "学生受资助人数", "≧", 735, "人次", 735, 10, 10),
    (None, "质量指标", "营养改善计划覆盖率", "≧", 100, "%", "100%", 10, 10),
    (None, "时效指标", "资金到位及时率", "≧", 100, "%", "100%", 10, 7),
    (None, "成本指标", "生均补助标准达标率", "═", 100, "%", "100%", 10, 10),
    ("效益指标", "经济效益 指标", "减轻贫困学生家庭经济负担", None, "有效", None, "有效", 10, 10),
    (None, "社会效益 指标", "政策知晓率", "═", 100, "%", "98%", 10, 9),
    (None, "生态效益 指标", None, None, None, None, None, None, None),
    (None, "可持续影响 指标", "促进学校教育事业健康发展", "≧", 100, "%", "100%", 10, 10),
    ("满意度指标", "服务对象满意度指标等", "学生满意度", "≧", 95, "%", "100%", 10, 10),
    (None, None, "家长满意度", "≧", 95, "%", "100%", 10, 10),
]

FORM = Form(
    sheet="公开14表",
    rows=[
        ["2022年度项目支出绩效自评表"],
        ["部门:临沧市永德县明朗中学", None, None, None, None, None, None, None, None, "公开14表"],
        [
            "项目名称",
            "义务教育营养改善计划专项资金",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "主管部门",
            "永德县教育体育局",
            None,
            None,
            "实施单位",
            None,
            "永德县明朗中学",
            None,
            None,
            None,
        ],
        [
            "项目资金 (元)",
            None,
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
            None,
        ],
        [None, "年度资金总额", None, None, 387664.62, 387664.62, 10, "100%", 10, None],
        [None, "其中:当年财政 拨款", None, None, 387664.62, 387664.62, _D, None, _D, None],
        [None, "上年结转 资金", None, None, None, None, _D, None, _D, None],
        [None, "其他资金", None, _D, _D, _D, _D, None, _D, None],
        ["年度 总体 目标", "预期目标", None, None, None, None, "实际完成情况", None, None, None],
        [None, _GOAL, None, None, None, None, _GOAL, None, None, None],
        [
            "绩效指标",
            None,
            None,
            "年度指标值",
            None,
            None,
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            None,
            None,
            None,
            None,
        ],
        *[[*row, None] for row in _BODY],
        ["其他需要说明事项", "无", None, None, None, None, "总分", 100, 96, "优"],
    ],
    merges=[
        "A1:J1",
        "A2:I2",
        "B3:J3",
        "B4:D4",
        "E4:F4",
        "G4:J4",
        "A5:A9",
        "B5:C5",
        "I5:J5",
        "B6:C6",
        "I6:J6",
        "B7:C7",
        "I7:J7",
        "B8:C8",
        "I8:J8",
        "B9:C9",
        "I9:J9",
        "A10:A11",
        "B10:F10",
        "G10:J10",
        "B11:F11",
        "G11:J11",
        "A12:C12",
        "D12:F12",
        "G12:G13",
        "H12:H13",
        "I12:I13",
        "J12:J13",
        "A14:A17",
        "A18:A21",
        "A22:A23",
        "B22:B23",
        "B24:F24",
    ],
    title_rows=2,
)


def _indicators() -> list[dict[str, str]]:
    out, level1, level2 = [], "", ""
    for first, second, name, nature, value, unit, actual, weight, score in _BODY:
        level1, level2 = first or level1, second or level2
        if name is None:
            continue
        item = {
            "level1": level1,
            "level2": level2,
            "name": name,
            "target": f"{nature or ''}{value}{unit or ''}",
            "value": str(value),
            "actual": str(actual),
            "weight": str(weight),
            "score": str(score),
        }
        if nature:
            item["nature"] = nature
        if unit:
            item["measure_unit"] = unit
        out.append(item)
    return out


EXPECTED = {
    "money_unit": "元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "义务教育营养改善计划专项资金",
                "department": "永德县教育体育局",
                "unit": "永德县明朗中学",
                "annual_goal": _GOAL,
                "actual_result": _GOAL,
                "remarks": "无",
                "total_score": "96",
                "grade": "优",
            },
            "money": {
                "total": {
                    "adjusted": "387664.62",
                    "executed": "387664.62",
                    "weight": "10",
                    "rate": "100%",
                    "score": "10",
                },
                "fiscal": {"adjusted": "387664.62", "executed": "387664.62"},
            },
            "indicators": _indicators(),
            "unmapped": {"部门": "临沧市永德县明朗中学"},
        },
    ],
    "not_indicators": ["其他需要说明事项", "总分"],
}
