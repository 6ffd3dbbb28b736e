"""绩效目标申报表(基础设施建设类) (岳阳县2022年高标准农田建设项目) — 岳阳县农业农村局 /
农田建设服务中心, 湖南省岳阳市岳阳县, 2022.

Source: http://www.yyx.gov.cn/37584/38137/content_2016103.html
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (typos kept: the 财政拨款 cell repeats 854万854万). The stored text is one cell per
paragraph, so the row/column layout and the spans are the research note's reading; labels broken
over two paragraphs (经济效益⏎指标) are one cell with a line break. The 财政拨款 amount is not
asserted: its doubled text gives no single published number.
"""

from tests.corpus._build import Form

_TOTAL = "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)"

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["绩效目标申报表(基础设施建设类)"],
        ["(2022年度)"],
        ["项目名称", "岳阳县2022年高标准农田建设项目", "项目负责人及电话", "彭兵", None],
        ["主管部门", "岳阳县农业农村局", "实施单位", "农田建设服务中心", None],
        ["资金情况 (万元)", "年度资金总额:", _TOTAL, None, None],
        [
            None,
            "其中:财政拨款",
            "854万854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)",
            None,
            None,
        ],
        [None, "其他资金", None, None, None],
        ["总体目标", "年度目标", None, None, None],
        [None, "完成项目主体工程70%", None, None, None],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [None, "产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥100公里"],
        [None, None, None, "脱贫户供水设施数量", "≥20座"],
        [None, None, "质量指标", "项目(工程)验收合格率", "100%"],
        [None, None, "时效指标", "项目(工程)完成及时率", "≥100%"],
        [None, None, "成本指标", "财政资金补助", "1600元/亩"],
        [None, "效益指标", "经济效益\n指标", "年增粮食", "3500公斤"],
        [None, None, "社会效益\n指标", "受益脱贫(监测)人口数", "≥500人"],
        [None, None, None, "解决脱贫(监测)饮水安全问题人数", "≥1000人"],
        [None, None, "生态效益\n指标", "新增和改善灌溉达标面积", "≥500亩"],
        [None, None, None, "新增和改善排水达标面积", "≥200亩"],
        [None, None, "可持续影响\n指标", "工程设计使用年限", "≥20年"],
        [None, "满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥95%"],
        [
            "注:各地请根据实际情况,从上述绩效指标中选择适合的填报(其中三颗星为必填的核心绩效指标,可结合已下达的中央对地方专项转移支付绩效指标),也可自行增加或适当调整。"
        ],
    ],
    merges=[
        "A1:E1",
        "A2:E2",
        "D3:E3",
        "D4:E4",
        "A5:A7",
        "C5:E5",
        "C6:E6",
        "C7:E7",
        "A8:A9",
        "B8:E8",
        "B9:E9",
        "A10:A22",
        "B11:B15",
        "C11:C12",
        "B16:B21",
        "C17:C18",
        "C19:C20",
        "A23:E23",
    ],
    title_rows=2,
)

_ROWS = [
    ("产出指标", "数量指标", "脱贫村村内道路硬化里程", "≥100公里"),
    ("产出指标", "数量指标", "脱贫户供水设施数量", "≥20座"),
    ("产出指标", "质量指标", "项目(工程)验收合格率", "100%"),
    ("产出指标", "时效指标", "项目(工程)完成及时率", "≥100%"),
    ("产出指标", "成本指标", "财政资金补助", "1600元/亩"),
    ("效益指标", "经济效益\n指标", "年增粮食", "3500公斤"),
    ("效益指标", "社会效益\n指标", "受益脱贫(监测)人口数", "≥500人"),
    ("效益指标", "社会效益\n指标", "解决脱贫(监测)饮水安全问题人数", "≥1000人"),
    ("效益指标", "生态效益\n指标", "新增和改善灌溉达标面积", "≥500亩"),
    ("效益指标", "生态效益\n指标", "新增和改善排水达标面积", "≥200亩"),
    ("效益指标", "可持续影响\n指标", "工程设计使用年限", "≥20年"),
    ("满意度指标", "服务对象满意度指标", "受益脱贫(监测)户满意度", "≥95%"),
]

EXPECTED = {
    "money_unit": "万元",
    # 成本指标 stands as a 二级 under 产出指标: the 2015 national structure
    "framework": "national-2015",
    "projects": [
        {
            "fields": {
                "name": "岳阳县2022年高标准农田建设项目",
                "department": "岳阳县农业农村局",
                "unit": "农田建设服务中心",
                "annual_goal": "完成项目主体工程70%",
            },
            "money": {"total": {"amount": "854"}},
            "indicators": [
                {"level1": l1, "level2": l2, "name": name, "target": target}
                for l1, l2, name, target in _ROWS
            ],
            "unmapped": {"项目负责人及电话": "彭兵"},
        },
    ],
    "not_indicators": [],
}
