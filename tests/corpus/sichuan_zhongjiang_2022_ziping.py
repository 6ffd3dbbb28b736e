"""绩效目标自评表(2022年度) (中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装) —
中江县水利局, 四川省德阳市中江县, 2022.

Source: https://chacewang.com/newsdetail/news242266.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published. The stored text is flattened without separators: every cell boundary (20/20/10/
100.00%/10, where the 年初设定目标 ends, the columns of the two 总分 100s) is the research note's
reading, and the horizontal spans are inferred. The notice text before the form and the 注
below it (cut off in the stored text) are left out.
"""

import re

from tests.corpus._build import Form

_GOAL = "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,"
_DONE = "对项目区农业用水计量,为项目区农业生产夯实基础,"

# (一级 as printed, 二级 or None when merged, 三级, 分值, 年度指标值, 全年实际值, 得分)
_BODY = [
    ("产出指标(70分)", "数量指标", "安装坡面水标尺", 10, "≥266米", "≥266米", 10),
    (None, None, "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10),
    (None, "质量指标", "项目(工程)验收合格率", 20, "100%", "100%", 20),
    (None, "时效指标", "及时(按期)开工率", 10, "≥90%", "≥90%", 10),
    (None, None, "及时(按期)完工率", 10, "≥90%", "≥90%", 10),
    (None, "成本指标", "项目计划总投资", 10, "20万元", "20万元", 10),
    ("效益指标(20分)", "经济效益指标", None, None, None, None, None),
    (None, "社会效益指标", "受益脱贫(含监测对象)户人口数", 10, "≥1000人", "≥1000人", 10),
    (None, None, "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10),
    (
        "满意度指标(10分)",
        "服务对象满意度指标",
        "受益脱贫(含监测对象)户满意度",
        10,
        "≥95%",
        "≥95%",
        10,
    ),
    ("……", None, None, None, None, None, None),
]

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["绩效目标自评表(2022年度)"],
        [
            "项目名称",
            "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装",
            None,
            None,
            "项目负责人及电话",
            None,
            "谢凯13990260322(办公)",
            None,
            None,
        ],
        ["主管部门", "中江县水利局", None, None, "实施单位", None, "中江县水利局", None, None],
        [
            "资金情况(万元)",
            None,
            None,
            "全年预算数(A)",
            "全年执行数(B)",
            "分值",
            "执行率(B/A)",
            "得分",
            None,
        ],
        [None, "年度资金总额:", None, 20, 20, 10, "100.00%", 10, None],
        [None, "其中:本年财政拨款", None, 20, 20, None, None, None, None],
        [None, "其他资金", None, None, None, None, None, None, None],
        [
            "年度总体目标",
            "年初设定目标",
            None,
            None,
            None,
            "年度总体目标完成情况综述",
            None,
            None,
            None,
        ],
        [None, _GOAL, None, None, None, _DONE, None, None, None],
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "年度指标值",
            "全年实际值",
            "得分",
            "未完成原因及拟采取的改进措施",
        ],
        *[[None, *row, None] for row in _BODY],
        ["总分", None, None, None, 100, None, None, 100, None],
    ],
    merges=[
        "A1:I1",
        "B2:D2",
        "E2:F2",
        "G2:I2",
        "B3:D3",
        "E3:F3",
        "G3:I3",
        "A4:A7",
        "B4:C4",
        "H4:I4",
        "B5:C5",
        "H5:I5",
        "B6:C6",
        "H6:I6",
        "B7:C7",
        "H7:I7",
        "A8:A9",
        "B8:E8",
        "F8:I8",
        "B9:E9",
        "F9:I9",
        "A10:A21",
        "B11:B16",
        "C11:C12",
        "C14:C15",
        "B17:B19",
        "C18:C19",
        "A22:D22",
    ],
    title_rows=1,
)


def _indicators() -> list[dict[str, str]]:
    out, level1, level2 = [], "", ""
    for first, second, name, weight, target, actual, score in _BODY:
        level1 = first or level1
        level2 = second or level2
        if name is None:
            continue
        plain, points = re.fullmatch(r"(.+)\((\d+)分\)", level1).groups()
        out.append(
            {
                "level1": plain,
                "level1_weight": points,
                "level2": level2,
                "name": name,
                "weight": str(weight),
                "target": target,
                "actual": actual,
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
                "name": "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装",
                "department": "中江县水利局",
                "unit": "中江县水利局",
                "annual_goal": _GOAL,
                "actual_result": _DONE,
                "total_score": "100",
            },
            "money": {
                "total": {
                    "adjusted": "20",
                    "executed": "20",
                    "weight": "10",
                    "rate": "100.00%",
                    "score": "10",
                },
                "fiscal": {"adjusted": "20", "executed": "20"},
            },
            "indicators": _indicators(),
            "unmapped": {"项目负责人及电话": "谢凯13990260322(办公)"},
        },
    ],
    "not_indicators": ["……", "总分"],
}
