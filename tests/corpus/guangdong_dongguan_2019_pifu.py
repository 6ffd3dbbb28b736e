"""东莞市财政项目支出绩效目标批复表 — 东莞市交通运输局, 广东省东莞市, 2019.

Source: https://gdyinping.com/wwwgdyinpingcom/007329896/0801/201904/fdb5a052be7e4616a3536a4af16269b8.htm
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (typos and odd symbols kept). The stored text stops inside the 可持续影响指标 row:
its target cells and any later rows (满意度, closing rows) are missing, so the last row keeps
only its name and nothing after it is rebuilt. The two target sets are read as 中期 (left,
mid_target) and 年度 (right, target) from the 总体目标 row, as the research note does; the
merge F4:H4 after 919.00 is inferred from the empty cells there.
"""

from tests.corpus._build import Form

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["东莞市财政项目支出绩效目标批复表"],
        ["( 2019 年度)"],
        ["预算单位:东莞市交通运输局"],
        [
            "项目 名称",
            "镇际联网路升级改造工程一期",
            "中期市财政预算(万元)",
            284500.0,
            "本年度申请市财政预算资金(万元)",
            919.0,
            None,
            None,
        ],
        ["总体目标", "中期滚动目标(2019年--2021年)", None, None, "年度目标", None, None, None],
        [
            None,
            "新建或改造道路,共29个项目,规划里程169公里。",
            None,
            None,
            "督促勘察设计单位、咨询单位完成勘察设计费、审查咨询费结算532万元,以及茶山、常平镇街完成3个项目补助尾款结算387万元。",
            None,
            None,
            None,
        ],
        [
            "绩效指标",
            "一级 指标",
            "二级 指标",
            "三级 指标",
            "指标值(或计划水平)",
            "二级 指标",
            "三级 指标",
            "计划指标值(或计划水平)",
        ],
        [
            None,
            "预期产出指标",
            "数量指标(或建筑规模指标)",
            "镇街补助款完成结算项目数",
            3,
            "数量指标(或建筑规模指标)",
            "镇街补助款完成结算项目数",
            3,
        ],
        [
            None,
            None,
            "质量指标",
            "补助款结算误差率",
            "±3%以内",
            "质量指标",
            "补助款结算误差率",
            "±3%以内",
        ],
        [
            None,
            None,
            "时效指标(工期指标)",
            "结算款支付及时性",
            "及时",
            "时效指标(工期指标、形象进度指标)",
            "结算款支付及时性",
            "及时",
        ],
        [
            None,
            None,
            "预算(或投资规模)控制指标",
            "年度预算执行率",
            "≥90%",
            "预算(或投资规模)控制指标",
            "年度预算执行率",
            "≥90%",
        ],
        [
            None,
            "效果指标",
            "社会、经济、生态效益 指标",
            "补助款结算争议率",
            "0%",
            "社会、经济、生态效益 指标",
            "补助款结算争议率",
            "0%",
        ],
        [None, None, "可持续影响指标", "实现建设总目标控制程度", None, None, None, None],
    ],
    merges=[
        "A1:H1",
        "A2:H2",
        "A3:H3",
        "F4:H4",
        "A5:A6",
        "B5:D5",
        "E5:H5",
        "B6:D6",
        "E6:H6",
        "A7:A13",
        "B8:B11",
        "B12:B13",
    ],
    title_rows=3,
)


def _both(level1: str, level2: str, name: str, mid: str, target: str) -> dict[str, str]:
    # The 年度 (right) side is the form's main set: level2 is its text, so the 时效 row's
    # 二级 carries the right side's 、形象进度指标.
    return {"level1": level1, "level2": level2, "name": name, "mid_target": mid, "target": target}


EXPECTED = {
    "money_unit": "万元",
    # Dongguan's own 一级 names (预期产出指标/效果指标); 预算控制 sits under 产出 and there is no
    # 成本/满意度 一级: national-2015 (candidate: national-2021 if the missing rows held 满意度).
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "镇际联网路升级改造工程一期",
                "unit": "东莞市交通运输局",
                "overall_goal": "新建或改造道路,共29个项目,规划里程169公里。",
                "annual_goal": "督促勘察设计单位、咨询单位完成勘察设计费、审查咨询费结算532万元,以及茶山、常平镇街完成3个项目补助尾款结算387万元。",
            },
            # The only amount for the year is the requested city budget.
            "money": {"total": {"amount": "919.00"}},
            "indicators": [
                _both(
                    "预期产出指标", "数量指标(或建筑规模指标)", "镇街补助款完成结算项目数", "3", "3"
                ),
                _both("预期产出指标", "质量指标", "补助款结算误差率", "±3%以内", "±3%以内"),
                _both(
                    "预期产出指标",
                    "时效指标(工期指标、形象进度指标)",
                    "结算款支付及时性",
                    "及时",
                    "及时",
                ),
                _both("预期产出指标", "预算(或投资规模)控制指标", "年度预算执行率", "≥90%", "≥90%"),
                _both("效果指标", "社会、经济、生态效益 指标", "补助款结算争议率", "0%", "0%"),
                {
                    "level1": "效果指标",
                    "level2": "可持续影响指标",
                    "name": "实现建设总目标控制程度",
                },
            ],
            "unmapped": {"中期市财政预算(万元)": "284500.00"},
        },
    ],
    "not_indicators": [],
}
