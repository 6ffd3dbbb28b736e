"""绩效目标申报表 (2018年市级专项扶贫资金基础设施(人大代表扶贫基地)) — 南岳镇政府 /
湖南省润山润水生态农业发展有限公司, 湖南省衡阳市南岳区, 2018.

Source: http://www.nanyue.gov.cn/nyczj/czysgk/2018njyqnddbmyjs/xcj/nyqnyzzf/20200211/i951217.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (typos and odd symbols kept: ASCII >=/<= in values, ≥ and ** placeholders in names).
The header block's four columns are laid over the six indicator columns (values merged across
two columns), and the 年度目标 / 完成情况 cells spanning B:D and E:F are inferred.
"""

from tests.corpus._build import Form

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["绩效目标申报表"],
        [
            "项目名称",
            "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)",
            None,
            "项目负责人及电话",
            "郭铁梅18932106863",
            None,
        ],
        [
            "主管部门",
            "南岳镇政府",
            None,
            "实施单位",
            "[610001]湖南省润山润水生态农业发展有限公司",
            None,
        ],
        ["资金情况(万元)", "年度资金总额:", 10, None, None, None],
        [None, "其中:财政拨款", 10, None, None, None],
        [None, "其他资金", 0, None, None, None],
        ["总体目标", "年度目标", None, None, "年度总体目标完成情况", None],
        [None, "为水濂村带来观光游客不少于6万人,村集体收入达6万元。", None, None, None, None],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "备注"],
        [None, "产出指标", "数量指标", "贫困地区旅游基础设施建设工程", ">=20平方米", None],
        [None, None, None, "贫困地区旅游景点开发数量( ≥**个 )", ">=4个", None],
        [None, None, None, "流转土地", ">=60亩", None],
        [None, None, "质量指标", "*贫困地区旅游基础设施建设质量达标率100%", ">=98%", None],
        [None, None, "时效指标", "贫困地区基础设施建设按期完成率(≥**%)", ">=95%", None],
        [None, None, "成本指标", "流转土地补助标准", "<=475元/亩", None],
        [None, None, None, "景观建设成本", "<=2875元/个", None],
        [None, None, None, "贫困地区旅游基础设施建设工程建设成本", "<=3000元/平方米", None],
        [None, "效益指标", "经济效益指标", "乡村旅游带动增加贫困村收入(≥**万元)", ">=6万元", None],
        [None, None, None, "乡村旅游带动增加贫困人口收入(≥**万元)", ">=2.61万元", None],
        [
            None,
            None,
            "社会效益指标",
            "贫困地区乡村旅游开发景点接待游客数量(≥**人)",
            ">=60000人",
            None,
        ],
        [None, None, None, "受益建档立卡贫困人口数≥**人", ">=29人", None],
        [None, "满意度指标", "服务对象满意度指标", "旅游行业经营主体满意度(≥**%)", ">=90%", None],
        [None, None, None, "参与旅游扶贫项目贫困群众满意度(≥**%)", ">=90%", None],
        [None, None, None, "旅游区居民满意度(≥**%)", ">=90%", None],
        [None, None, None, "游客满意度(≥**%)", ">=90%", None],
        ["财政部门支出股室初审意见", "(盖章)", None, None, None, None],
        ["财政部门绩效评价股审核意见", "(盖章)", None, None, None, None],
        ["区扶贫办审核意见", "(盖章)", None, None, None, None],
    ],
    merges=[
        "A1:F1",
        "B2:C2",
        "E2:F2",
        "B3:C3",
        "E3:F3",
        "A4:A6",
        "A7:A8",
        "B7:D7",
        "E7:F7",
        "B8:D8",
        "E8:F8",
        "A9:A25",
        "B10:B17",
        "C10:C12",
        "C15:C17",
        "B18:B21",
        "C18:C19",
        "C20:C21",
        "B22:B25",
        "C22:C25",
        "B26:F26",
        "B27:F27",
        "B28:F28",
    ],
    title_rows=1,
)

_ROWS = [
    ("产出指标", "数量指标", "贫困地区旅游基础设施建设工程", ">=20平方米"),
    ("产出指标", "数量指标", "贫困地区旅游景点开发数量( ≥**个 )", ">=4个"),
    ("产出指标", "数量指标", "流转土地", ">=60亩"),
    ("产出指标", "质量指标", "*贫困地区旅游基础设施建设质量达标率100%", ">=98%"),
    ("产出指标", "时效指标", "贫困地区基础设施建设按期完成率(≥**%)", ">=95%"),
    ("产出指标", "成本指标", "流转土地补助标准", "<=475元/亩"),
    ("产出指标", "成本指标", "景观建设成本", "<=2875元/个"),
    ("产出指标", "成本指标", "贫困地区旅游基础设施建设工程建设成本", "<=3000元/平方米"),
    ("效益指标", "经济效益指标", "乡村旅游带动增加贫困村收入(≥**万元)", ">=6万元"),
    ("效益指标", "经济效益指标", "乡村旅游带动增加贫困人口收入(≥**万元)", ">=2.61万元"),
    ("效益指标", "社会效益指标", "贫困地区乡村旅游开发景点接待游客数量(≥**人)", ">=60000人"),
    ("效益指标", "社会效益指标", "受益建档立卡贫困人口数≥**人", ">=29人"),
    ("满意度指标", "服务对象满意度指标", "旅游行业经营主体满意度(≥**%)", ">=90%"),
    ("满意度指标", "服务对象满意度指标", "参与旅游扶贫项目贫困群众满意度(≥**%)", ">=90%"),
    ("满意度指标", "服务对象满意度指标", "旅游区居民满意度(≥**%)", ">=90%"),
    ("满意度指标", "服务对象满意度指标", "游客满意度(≥**%)", ">=90%"),
]

EXPECTED = {
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)",
                "department": "南岳镇政府",
                "unit": "[610001]湖南省润山润水生态农业发展有限公司",
                "annual_goal": "为水濂村带来观光游客不少于6万人,村集体收入达6万元。",
            },
            "money": {
                "total": {"amount": "10"},
                "fiscal": {"amount": "10"},
                "other": {"amount": "0"},
            },
            "indicators": [
                {"level1": l1, "level2": l2, "name": name, "target": target}
                for l1, l2, name, target in _ROWS
            ],
            # One cell holds both the manager and the phone number.
            "unmapped": {"项目负责人及电话": "郭铁梅18932106863"},
        },
    ],
    "not_indicators": [
        "财政部门支出股室初审意见",
        "财政部门绩效评价股审核意见",
        "区扶贫办审核意见",
    ],
}
