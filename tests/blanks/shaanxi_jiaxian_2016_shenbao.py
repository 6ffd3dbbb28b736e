"""佳县财政支出项目绩效目标申报表 — the blank form of 佳县 (陕西省榆林市), 2016.

Source: https://docx.baby/p/20793843881926.html ("2016财政支出项目绩效目标申报表.doc")
Rebuilt the way an office's Excel copy of it looks: every label exactly as published, in the
order the stored text gives them, no values (the form is blank). The document prints the
title on each of its four pages; here the four pages are one sheet under one title. The
column split (6 columns) and the merges are inferred from the order of the labels; the
published 「…」 rows and the 1、2、3、…… rows of the schedule are kept as printed.
"""

from tests.corpus._build import Form

_LEVELS = [
    ["产出指标", "数量指标"],
    [None, "质量指标"],
    [None, "时效指标"],
    [None, "成本指标"],
    [None, "…"],
    ["效益指标", "经济效益指标"],
    [None, "社会效益指标"],
    [None, "环境效益指标"],
    [None, "可持续影响指标"],
    [None, "…"],
    ["服务对象满意度指标", "具体指标"],
    [None, "……"],
]


def _table(title: str) -> list[list[str | None]]:
    rows: list[list[str | None]] = [[title, "一级指标", "二级指标", "指标内容", "指标值", "备注"]]
    rows += [[None, *levels, None, None, None] for levels in _LEVELS]
    return rows


FORM = Form(
    sheet="Sheet1",
    rows=[
        ["佳县财政支出项目绩效目标申报表"],
        ["( 年度)"],
        ["填报单位(盖章)"],
        ["项目名称", None, None, "项目属性", "新增项目 □ 延续项目 □", None],
        ["主管部门", None, None, "主管部门 编码", None, None],
        ["项目实施单位", None, "项目负责人", None, "联系电话", None],
        ["项目起止时间", None, None, None, None, None],
        ["项目资金申请(万元)", "资金总额:", None, None, None, None],
        [None, "财政拨款:", None, "自有资金:", None, None],
        [None, "事业收入:", None, "经营性收入:", None, None],
        [None, "其他:", None, "其他:", None, None],
        ["单位职能概述", None, None, None, None, None],
        ["项目概况", None, None, None, None, None],
        ["项目立项情况", "项目立项的依据", None, None, None, None],
        [None, "项目申报的可行性", None, None, None, None],
        [None, "项目申报的必要性", None, None, None, None],
        ["项目实施进度计划", "项目实施内容", None, None, "开始时间", "完成时间"],
        [None, "1、", None, None, None, None],
        [None, "2、", None, None, None, None],
        [None, "3、", None, None, None, None],
        [None, "……", None, None, None, None],
        [None, "……", None, None, None, None],
        ["项目绩效目标", "长期目标", None, "年度目标", None, None],
        [None, None, None, None, None, None],
        *_table("长期绩效指标"),
        *_table("年度绩效指标"),
        ["其他说明的问题", None, None, None, None, None],
        ["填报人:", None, "单位负责人:", None, "填报日期:", None],
    ],
    merges=[
        "A1:F1",
        "A2:F2",
        "A3:F3",
        "B4:C4",
        "E4:F4",
        "B5:C5",
        "E5:F5",
        "B7:F7",
        "A8:A11",
        "C8:F8",
        "E9:F9",
        "E10:F10",
        "E11:F11",
        "B12:F12",
        "B13:F13",
        "A14:A16",
        "C14:F14",
        "C15:F15",
        "C16:F16",
        "A17:A22",
        "B17:D17",
        "B18:D18",
        "B19:D19",
        "B20:D20",
        "B21:D21",
        "B22:D22",
        "A23:A24",
        "B23:C23",
        "D23:F23",
        "B24:C24",
        "D24:F24",
        "A25:A37",
        "B26:B30",
        "B31:B35",
        "B36:B37",
        "A38:A50",
        "B39:B43",
        "B44:B48",
        "B49:B50",
        "B51:F51",
        "A52:B52",
        "C52:D52",
        "E52:F52",
    ],
    title_rows=3,
)

# the labels next to which a roster's unit, department and project go, as printed
FIELDS = {"unit": "项目实施单位", "department": "主管部门", "name": "项目名称"}
# the target column of each indicator table, and its first and last data rows (1-based)
TARGETS = {"name_column": "D", "column": "E", "rows": [(26, 37), (39, 50)]}
