"""部门预算项目支出绩效自评表(2023年度) (51000021R000000019951-工资性支出) — 青神县发展和改革局,
四川省眉山市青神县, 2023.

Source: https://www.scqs.gov.cn/info/13206/211004.htm
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published. Only partly filled in by the unit: several value cells still hold the template's
guidance text, which is what was published and is asserted as such. The 合计 row's span (B:H,
with 100 under 权重), the left label cells spanning each block, and the horizontal spans of
the goal, 原因 and closing cells are inferred.
"""

from tests.corpus._build import Form

_NOTE = (
    "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);2.年中发生预算调整的"
    "(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款."
)
_GOAL = (
    "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。"
)
_DONE = "对照年度目标,说明相关任务目标的完成情况(100字以内)"
_CONCLUSION = "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"
_PROBLEMS = "结合自评情况,分析存在的问题及原因。(200字以内)"
_IMPROVE = "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)"


def _wide(label, value=None) -> list:
    return [label, value, *([None] * 9)]


FORM = Form(
    sheet="Sheet1",
    rows=[
        ["报表编号:510000_0013zp", None, None, None, None, None],
        ["部门预算项目支出绩效自评表(2023年度)"],
        _wide("项目名称", "51000021R000000019951-工资性支出"),
        _wide("主管部门", "青神县发展和改革局本级"),
        _wide("实施单位 (盖章)", "青神县发展和改革局"),
        _wide("项目基本情况", "1.项目年度目标完成情况"),
        [None, "项目年度目标", None, None, None, None, "年度目标完成情况", None, None, None, None],
        [None, _GOAL, None, None, None, None, _DONE, None, None, None, None],
        _wide(None, "2.项目实施内容及过程概述"),
        _wide(None),
        [
            "预算执行情况(10分)",
            "年度预算数(万元)",
            "年初预算",
            "调整后预算数",
            "预算执行数",
            "预算执行率",
            "权重",
            "得分",
            "原因",
            None,
            None,
        ],
        [None, "总额", 238.93, 251.89, 251.89, "100.00%", 10, None, _NOTE, None, None],
        [None, "其中:财政资金", 238.93, 251.89, 251.89, "100.00%", "/", "/", None, None, None],
        [None, "财政专户管理资金", 0.0, 0.0, 0.0, "0.00%", "/", "/", None, None, None],
        [None, "单位资金", 0.0, 0.0, 0.0, "0.00%", "/", "/", None, None, None],
        [None, "其他资金", None, None, None, None, "/", "/", None, None, None],
        [
            "绩效指标(90分)",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        [None, "产出指标", "数量指标", "发放(缴纳)覆盖率", "=", 100, "%", None, 60, None, None],
        [
            None,
            "效益指标",
            "社会效益指标",
            "足额保障率(参保率)",
            "=",
            100,
            "%",
            None,
            30,
            None,
            None,
        ],
        [None, "合计", None, None, None, None, None, None, 100, None, None],
        _wide("评价结论", _CONCLUSION),
        _wide("存在问题", _PROBLEMS),
        _wide("改进措施", _IMPROVE),
        ["项目负责人:", None, None, None, "财务负责人:", None, None, None, None, None, None],
    ],
    merges=[
        "A2:K2",
        "B3:K3",
        "B4:K4",
        "B5:K5",
        "A6:A10",
        "B6:K6",
        "B7:F7",
        "G7:K7",
        "B8:F8",
        "G8:K8",
        "B9:K9",
        "B10:K10",
        "A11:A16",
        "I11:K11",
        "I12:K12",
        "I13:K13",
        "I14:K14",
        "I15:K15",
        "I16:K16",
        "A17:A20",
        "B20:H20",
        "B21:K21",
        "B22:K22",
        "B23:K23",
        "A24:D24",
        "E24:H24",
        "I24:K24",
    ],
    title_rows=2,
)

EXPECTED = {
    "money_unit": "万元",
    # Only 产出/效益 are used; the 2023 Sichuan export is the national-2021 set (candidate:
    # national-2015, nothing on the form tells them apart).
    "framework": "national-2021",
    "projects": [
        {
            "fields": {
                "name": "51000021R000000019951-工资性支出",
                "department": "青神县发展和改革局本级",
                "unit": "青神县发展和改革局",
                "annual_goal": _GOAL,
                "actual_result": _DONE,
                "conclusion": _CONCLUSION,
                "problems": _PROBLEMS,
                "improvements": _IMPROVE,
            },
            # 「/」 marks a column that does not apply to a line (no points for 财政资金): it is
            # no value, so it is not expected as one
            "money": {
                "total": {
                    "budget": "238.93",
                    "adjusted": "251.89",
                    "executed": "251.89",
                    "rate": "100.00%",
                    "weight": "10",
                    "reason": _NOTE,
                },
                "fiscal": {
                    "budget": "238.93",
                    "adjusted": "251.89",
                    "executed": "251.89",
                    "rate": "100.00%",
                },
                "special_account": {
                    "budget": "0.00",
                    "adjusted": "0.00",
                    "executed": "0.00",
                    "rate": "0.00%",
                },
                "unit_funds": {
                    "budget": "0.00",
                    "adjusted": "0.00",
                    "executed": "0.00",
                    "rate": "0.00%",
                },
            },
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "发放(缴纳)覆盖率",
                    "target": "=100%",
                    "nature": "=",
                    "value": "100",
                    "measure_unit": "%",
                    "weight": "60",
                },
                {
                    "level1": "效益指标",
                    "level2": "社会效益指标",
                    "name": "足额保障率(参保率)",
                    "target": "=100%",
                    "nature": "=",
                    "value": "100",
                    "measure_unit": "%",
                    "weight": "30",
                },
            ],
            "unmapped": {"报表编号": "510000_0013zp"},
        },
    ],
    "not_indicators": ["合计"],
}
