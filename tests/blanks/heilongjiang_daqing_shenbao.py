"""大庆市部门预算项目支出绩效目标申报表 — the blank form of 大庆市 (黑龙江省), 附1.

Source: https://m.zixin.com.cn/doc/3995614.html ("绩效目标申报表.doc", 3 pages)
Rebuilt the way an office's Excel copy of it looks: every label exactly as published, in the
order the stored text gives them (the odd dashes —— -— —- of the money table kept as
printed), no values (the form is blank). The column split (8 columns) and the merges are
inferred from the order of the labels. The stored text stops inside the review block after
the indicator table (「财政主管业务科…」): nothing after it is rebuilt.
"""

from tests.corpus._build import Form

_CATEGORIES = (
    "1.重大课题(规划)□ 2.网络运行维护□ 3.考核奖励□ 4.大型培训□ 5.重大宣传活动□ 6.执法办案□ "
    "7.大宗印刷□ 8.奖学助学□ 9.庆典、节会、论坛、商业演出□ 10.房租□ 11.设备购置□ "
    "12.交通工具购置□ 13.专用材料购置□ 14.房屋建筑物购建□ 15.大型修缮□ 16.信息网络购建□ "
    "17.物资储备□ 18.转移支付□ 19.其他□"
)

FORM = Form(
    sheet="Sheet1",
    rows=[
        ["附1:"],
        ["大庆市部门预算项目支出绩效目标申报表"],
        ["( 年度)"],
        ["编制单位(盖章):", None, None, None, None, None, None, None],
        ["项目基本情况", "项目名称", None, None, "项目负责人", None, "联系电话", None],
        [None, "项目类别", _CATEGORIES, None, None, None, None, None],
        [
            None,
            "项目属性",
            "新增项目□ 延续项目□",
            None,
            "项目计划 实施时间",
            None,
            "年 月 日 至 年 月 日",
            None,
        ],
        [None, "项目申请原因(包括设立依据、可行性及必要性)", None, None, None, None, None, None],
        [None, "以前年度项目绩效情况", None, None, None, None, None, None],
        [
            "项目资金情况",
            "资金来源 (万元)",
            "项目",
            None,
            "上年度预算安排",
            "上年度实际执行",
            "本年度申请金额",
            None,
        ],
        [None, None, "合计", None, "*", "*", "*", None],
        [None, None, "财政拨款", None, "——", "——", None, None],
        [None, None, "政府性基金拨款", None, "-—", "——", None, None],
        [None, None, "财政专户拨款", None, "——", "—-", None, None],
        [None, None, "其他资金", None, "-—", "——", None, None],
        [None, None, "上年结转", None, "——", "—-", None, None],
        [None, None, "事业基金弥补差额", None, "—-", "—-", None, None],
        [
            None,
            "项目支出内容及明细预算(万元)",
            "项目",
            "上年度 预算安排",
            "上年度 实际执行",
            "本年度申请金额",
            "资金测算依据及说明",
            None,
        ],
        [None, None, "合计", "*", "*", "*", None, None],
        [None, None, "1.", None, None, None, None, None],
        [None, None, "2.", None, None, None, None, None],
        [None, None, "3.", None, None, None, None, None],
        [None, None, "……", None, None, None, None, None],
        ["绩效目标情况", "预期目标", "内容", None, "部门(单位)申报", None, None, None],
        [None, None, "预期提供的公共产品和服务的数量", None, None, None, None, None],
        [None, None, "预期 效果", None, None, None, None, None],
        [None, "保障绩效目标实现的措施", "组织机构:", None, None, None, None, None],
        [None, None, "管理制度:", None, None, None, None, None],
        [None, None, "质量控制:", None, None, None, None, None],
        [None, None, "……", None, None, None, None, None],
        [
            "绩效 指标",
            "指标名称",
            None,
            "上年度 实际水平",
            "本年度 计划水平",
            "指标内容/计算公式",
            None,
            None,
        ],
        [None, "二级指标", "三级指标", None, None, None, None, None],
        [None, "目标完成程度", "1.", None, None, None, None, None],
        [None, None, "2.", None, None, None, None, None],
        [None, None, "3.", None, None, None, None, None],
        [None, None, "……", None, None, None, None, None],
        [None, "项目实施效益", "1.", None, None, None, None, None],
        [None, None, "2.", None, None, None, None, None],
        [None, None, "3.", None, None, None, None, None],
        [None, None, "……", None, None, None, None, None],
    ],
    merges=[
        "A1:H1",
        "A2:H2",
        "A3:H3",
        "A4:C4",
        "D4:H4",
        "A5:A9",
        "C5:D5",
        "C6:H6",
        "C7:D7",
        "E7:F7",
        "G7:H7",
        "C8:H8",
        "C9:H9",
        "A10:A23",
        "B10:B17",
        "C10:D10",
        "G10:H10",
        *[f"C{r}:D{r}" for r in range(11, 18)],
        *[f"G{r}:H{r}" for r in range(11, 18)],
        "B18:B23",
        "G18:H18",
        *[f"G{r}:H{r}" for r in range(19, 24)],
        "A24:A30",
        "B24:B26",
        "C24:D24",
        "E24:H24",
        "C25:D25",
        "E25:H25",
        "C26:D26",
        "E26:H26",
        "B27:B30",
        "C27:H27",
        "C28:H28",
        "C29:H29",
        "C30:H30",
        "A31:A40",
        "B31:C31",
        "D31:D32",
        "E31:E32",
        "F31:H32",
        "B33:B36",
        "B37:B40",
        *[f"F{r}:H{r}" for r in range(33, 41)],
    ],
    title_rows=4,
)

FIELDS = {"unit": "编制单位(盖章):", "name": "项目名称"}
TARGETS = {"name_column": "C", "column": "E", "rows": [(33, 40)]}
