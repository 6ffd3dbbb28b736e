"""黄石市项目支出绩效监控表 (申遗)(2019年度) (申遗经费) — 黄石市文化和旅游局 / 黄石市文物局(湖北水泥
遗址博物馆), 湖北省黄石市, 2019.

Source: http://hsgyyc.com/xwdt_10201/gsgg_10206/201908/t20190821_663302.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (spaced-out 一级 cells, □ checkboxes with one □ √). A mid-year monitoring form with no
二级/三级 split: 指标名称 holds the names. The 质量/时效 rows are unused (nothing filled) and not
asserted. In the 社会效益 row the two filled cells are kept by position (long text under 指标值,
确定能 under 半年度指标执行情况) although by meaning they may belong one column further right; only
the name and the positional target are asserted there. The 注 paragraph, cut off in the stored
text, is left out; the horizontal spans are inferred.
"""

from tests.corpus._build import Form

_SOCIAL = (
    "开展黄石矿冶工业遗产突出普遍价值研究、学术交流、对外宣传等工作,先后举办有社会影响力的活动5场;"
    "成立黄石矿冶文化研究中心暨矿冶文学陈列馆,凸显黄石工业遗产文化价值,推动申遗工作。"
)
_TYPE = "1、常年性项目 □ √ 2、延续性项目 □ 3、一次性项目 □"


def _wide(label, value=None) -> list:
    return [label, value, None, None, None, None, None]


FORM = Form(
    sheet="Sheet1",
    rows=[
        ["黄石市项目支出绩效监控表 (申遗)"],
        ["(2019年度)"],
        ["项目单位(盖章): 单位:万元"],
        _wide("项目名称", "申遗经费"),
        [
            "主管部门",
            "黄石市文化和旅游局",
            None,
            "项目执行单位",
            "黄石市文物局(湖北水泥遗址博物馆)",
            None,
            None,
        ],
        _wide("项目属性", "1、持续性项目 □ 2、新增性项目 □"),
        _wide("项目类型", _TYPE),
        _wide("1、部门预算项目 □ 2、省直专项 □ 3、省对下转移支付项目 □"),
        ["项目资金 (万元)", "年初预算数", "1-6月执行数", "全年预计执行数", None, None, None],
        ["年度资金总额:", 220, 87.57, None, None, None, None],
        ["其中:当年一般公共预算拨款", 220, 87.57, None, None, None, None],
        [
            "绩效指标",
            "一级 指标",
            "指标名称",
            "指标值",
            "半年度 指标执行情况",
            "完成目标可能性(确定能、有可能、不可能)",
            "备注",
        ],
        [None, "产 出 指 标", "质量", None, None, None, None],
        [None, None, "时效", None, None, None, None],
        [None, None, "成本", "年度预算220万元", "按进度执行,已使用约40%", "确定能", None],
        [None, "效 益 指 标", "社会效益", _SOCIAL, "确定能", None, None],
        _wide("偏差或不能完成目标原因分析"),
        _wide("相关建议或举措"),
    ],
    merges=[
        "A1:G1",
        "A2:G2",
        "A3:G3",
        "B4:G4",
        "B5:C5",
        "E5:G5",
        "B6:G6",
        "B7:G7",
        "A8:G8",
        "D9:G9",
        "D10:G10",
        "D11:G11",
        "A12:A16",
        "B13:B15",
        "B17:G17",
        "B18:G18",
    ],
    title_rows=3,
)

EXPECTED = {
    "money_unit": "万元",
    # 成本 is one of the 产出 names and there is no 满意度 一级: national-2015 (candidate:
    # national-2021, the form is too sparse to tell).
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "申遗经费",
                "department": "黄石市文化和旅游局",
                "unit": "黄石市文物局(湖北水泥遗址博物馆)",
                "project_type": _TYPE,
            },
            "money": {
                "total": {"budget": "220", "executed": "87.57"},
                "fiscal": {"budget": "220", "executed": "87.57"},
            },
            "indicators": [
                {
                    "level1": "产 出 指 标",
                    "name": "成本",
                    "target": "年度预算220万元",
                    "actual": "按进度执行,已使用约40%",
                },
                {"level1": "效 益 指 标", "name": "社会效益", "target": _SOCIAL},
            ],
            "unmapped": {"项目属性": "1、持续性项目 □ 2、新增性项目 □"},
        },
    ],
    "not_indicators": ["偏差或不能完成目标原因分析", "相关建议或举措"],
}
