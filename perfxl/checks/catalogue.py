"""The catalogue of findings: stable codes, severities, titles and fix hints.

Codes never change meaning once published; a retired rule keeps its code reserved. The page
docs/findings.md is generated from this table (``python -m perfxl.checks.catalogue``) and a test keeps
the two identical.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfxl.core.errors import ERROR, INFO, WARNING


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    hint: str
    domain: str = ""  # the error class of the domain notes (§5.3) it covers, if any


_RULES = [
    # reading and structure
    Rule("R001", ERROR, "文件不存在或无法读取", "检查文件路径和读取权限"),
    Rule("R002", ERROR, "文件为空", "请让填报单位重新发送"),
    Rule("R003", ERROR, "不是工作簿", "只接受 .xlsx、.xlsm、.xls、.ods 文件"),
    Rule("R004", ERROR, "文件已损坏或不完整", "请让填报单位用 Excel 或 WPS 重新保存后发送"),
    Rule("R005", ERROR, "工作簿已加密", "请让填报单位取消打开密码后重新发送"),
    Rule("R006", ERROR, "文件过大或疑似压缩炸弹", "请核实文件来源；正常的绩效目标表不超过几 MB"),
    Rule("R007", ERROR, "XML 中含有实体声明", "文件可能被篡改，不予读取"),
    Rule("R008", ERROR, "不是可识别的绩效目标表", "请使用下发的表样填写"),
    # outputs perfxl writes (the annotated copy, reports, summaries)
    Rule(
        "O001",
        ERROR,
        "无法写入输出文件",
        "检查输出文件夹是否存在、可写、磁盘是否已满；输入文件没有被改动",
    ),
    Rule("S001", WARNING, "表样版本与本工具不同", "请确认填报单位使用的是本年度下发的表样"),
    Rule("S002", ERROR, "找不到栏目", "请不要删除或改写表中的栏目名称；可从下发的空白表中复制回来"),
    Rule("S003", ERROR, "找不到绩效指标表", "请不要删除指标表的表头行"),
    Rule(
        "S004",
        WARNING,
        "下拉列表已被删除",
        "复制粘贴会覆盖下拉列表；请在下发的空白表中重新填写或用选择性粘贴（数值）",
    ),
    Rule("S005", WARNING, "表格以外有内容", "请把内容填入表格中相应的栏目，或删除表外的内容"),
    Rule("S006", ERROR, "工作簿中没有项目表", "请使用下发的表样，不要删除项目工作表"),
    Rule("S007", INFO, "按栏目标签识别表样", "该文件不是由 perfxl 生成，已按栏目名称读取"),
    # header fields
    Rule("F001", ERROR, "必填项为空", "请填写该栏目", "E9"),
    Rule("F002", ERROR, "日期无效或不完整", "请按 2024-01-01 的格式填写完整日期", "E9"),
    Rule("F003", ERROR, "开始日期晚于完成日期", "请检查两个日期是否写反"),
    Rule("F004", WARNING, "日期不在本年度", "计划日期应在表的年度内；跨年项目请确认"),
    Rule("F005", ERROR, "金额不是数字", "金额栏只填数字，不要写单位或文字"),
    Rule("F006", INFO, "数字以文本形式保存", "已按数字读取；建议在 Excel 中转换为数字"),
    Rule("F007", INFO, "日期以文本或数字序号形式保存", "已按日期读取；建议设置为日期格式"),
    Rule("F008", WARNING, "选项不在下拉列表中", "请从下拉列表中选择"),
    # money
    Rule(
        "M001",
        ERROR,
        "年度资金申请总额不等于各项之和",
        "年度资金申请总额 = 当年财政拨款 + 上年结转资金 + 其他资金",
        "E10",
    ),
    Rule("M002", ERROR, "项目资金总额不等于各项之和", "项目资金总额 = 财政资金 + 其他资金", "E10"),
    Rule("M003", WARNING, "年度资金大于项目资金总额", "一年期项目两者通常相等；请核对"),
    Rule("M004", ERROR, "金额单位不一致", "同一张表的金额单位应统一为元或万元"),
    Rule(
        "M005",
        ERROR,
        "年度资金总额不等于各分项之和",
        "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金（三列分别核对）",
        "E10",
    ),
    Rule("M006", WARNING, "执行数超过预算数", "全年执行数通常不超过全年预算数；请核对"),
    Rule("M007", ERROR, "各项目金额之和与说明中的合计不符", "请核对各项目的资金申请数"),
    Rule("M008", WARNING, "金额为负数", "请确认是否填错"),
    # indicators
    Rule("I001", ERROR, "指标层级不在指标体系中", "请从下拉列表中选择"),
    Rule("I002", ERROR, "下级指标不属于所在的上级指标", "改动一级指标后请重新选择二级指标", "E1"),
    Rule("I003", INFO, "指标名称使用了别名", "建议使用规范名称"),
    Rule("I004", ERROR, "缺少必须设置的一级指标", "每个项目都应设置该一级指标", "E7"),
    Rule("I005", ERROR, "二级指标下没有三级指标", "每个二级指标下至少填写一个具体指标"),
    Rule("I006", WARNING, "三级指标名称重复", "同一项目中的指标名称不应重复"),
    Rule("I007", WARNING, "指标名称过长", "指标名称不超过 100 个字"),
    Rule("I008", ERROR, "指标值为空", "请填写指标值"),
    Rule(
        "I009",
        WARNING,
        "该类指标应当量化",
        "数量、满意度等指标应写成「符号+数值+单位」，如 ≥90.00(%)",
        "E3",
    ),
    Rule("I010", WARNING, "定量指标缺少比较符号", "请写明 =、≥、≤、>、<，如 ≥90.00(%)", "E4"),
    Rule("I011", WARNING, "定量指标缺少计量单位", "请写明单位，如 =2500(本)、≥95(%)", "E4"),
    Rule(
        "I012",
        ERROR,
        "比率类指标的指标值不是百分比",
        "名称以「率」「度」结尾的比率指标应写百分比，或改用数量类名称",
        "E2",
    ),
    Rule(
        "I013",
        ERROR,
        "数量类指标的指标值是百分比",
        "数量、人数、次数等应写具体数值和单位，或改用比率类名称",
        "E2",
    ),
    Rule("I014", WARNING, "满意度指标值不规范", "满意度应写百分比，且一般不低于 80%", "E2"),
    Rule("I015", INFO, "指标值写法不规范", "建议写成规范形式，如 ≥95.00(%)", "E12"),
    Rule("I016", WARNING, "指标可能放错了层级", "请检查该指标是否属于所在的二级指标", "E1"),
    Rule(
        "I017", WARNING, "定性指标表述含糊", "请使用可衡量的表述，如 及时、准确、达到……标准", "E3"
    ),
    Rule("I018", INFO, "定性指标占比较高", "能量化的指标尽量量化，以便评价", "E13"),
    # text
    Rule("T001", WARNING, "目标文字中的年份不是本年度", "请确认是否照抄了往年的表", "E6"),
    Rule("T002", WARNING, "文字有重复", "请检查是否误粘贴", "E8"),
    Rule(
        "T003",
        WARNING,
        "目标文字与绩效指标不一致",
        "总体目标中的数值应与对应指标的指标值一致",
        "E5",
    ),
    # self-evaluation
    Rule("E001", ERROR, "执行率与公式计算不符", "执行率 = 全年执行数 ÷ 全年预算数 × 100", "E11"),
    Rule("E002", ERROR, "预算执行得分与公式计算不符", "得分 = min(1, 执行率) × 分数", "E11"),
    Rule("E003", ERROR, "得分超过分值", "得分不能超过该指标的分值"),
    Rule(
        "E004",
        ERROR,
        "分值合计不是 90 分",
        "各绩效指标的分值合计应为 90 分（预算执行率另有 10 分）",
    ),
    Rule("E005", ERROR, "扣分但未说明偏差原因", "得分低于分值时须填写偏差原因分析及改进措施"),
    Rule("E006", ERROR, "总分与各项得分之和不符", "总分 = 预算执行得分 + 各指标得分", "E11"),
    Rule("E007", ERROR, "评分等级与总分不符", "优 ≥ 90，良 ≥ 80，中 ≥ 60，其余为差", "E11"),
    Rule(
        "E008",
        WARNING,
        "得分低于按公式计算的得分（手工扣分）",
        "已说明原因的手工扣分，请确认扣分依据",
        "E11",
    ),
    Rule(
        "E009",
        ERROR,
        "得分高于按公式计算的得分",
        "未完成的定量指标得分不应高于按完成比例计算的得分",
        "E11",
    ),
    Rule(
        "E010",
        WARNING,
        "定性指标的完成情况与得分档次不符",
        "达成 80–100%，部分达成 60–80%，未达成 60% 以下",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def rule(code: str) -> Rule:
    return RULES[code]


def catalogue_markdown() -> str:
    """The findings catalogue page (docs/findings.md), generated from the table above."""
    lines = [
        "# 检查规则目录",
        "",
        "本页由 `python -m perfxl.checks.catalogue` 从 `perfxl/checks/catalogue.py` 生成，请勿手工修改。",
        "代码一经发布不再改变含义；`perfxl check --format json` 输出中的 `code` 即此处的代码。",
        "",
        "严重程度：**错误**（error）必须改正，`perfxl check` 有错误时退出码为 1；**警告**（warning）请核实；"
        "**提示**（info）仅供参考。",
        "",
        "| 代码 | 严重程度 | 问题 | 怎么改 | 对应的常见错误 |",
        "|---|---|---|---|---|",
    ]
    names = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
    for r in _RULES:
        lines.append(f"| {r.code} | {names[r.severity]} | {r.title} | {r.hint} | {r.domain} |")
    lines += [
        "",
        "## 真实表格中常见的错误类别",
        "",
        "「对应的常见错误」一栏引用下表；每一类都有测试证明会被报告（`tests/test_check.py`）。",
        "",
        "| 类别 | 内容 | 样表中的例子 |",
        "|---|---|---|",
    ]
    for code, text, example in DOMAIN_CLASSES:
        lines.append(f"| {code} | {text} | {example} |")
    lines.append("")
    return "\n".join(lines)


DOMAIN_CLASSES = [
    (
        "E1",
        "三级指标放错了一级/二级",
        "「被调查者满意度」放在社会效益指标下；「长效管理机制健全性」放在生态效益指标下",
    ),
    (
        "E2",
        "指标名称与指标值的类型不符",
        "「征地养老资金应发实发率 =23000.00(人)」；「库房上架数量 =100%」",
    ),
    ("E3", "指标值未量化或含糊", "「高」「低」「符合要求」"),
    ("E4", "缺少比较符号或计量单位", "「100%」「≥4」"),
    ("E5", "目标文字与指标不一致", "总体目标写满意度达 100%，指标是 ≥90.00(%)"),
    ("E6", "照抄往年：年份不对", "2024 年的表中写「2023年预计送达文书12000份」"),
    ("E7", "缺少必须设置的一级指标", "没有成本指标或满意度指标"),
    ("E8", "文字错乱或重复", "「政策宣传政策宣传全覆盖。覆盖。」"),
    ("E9", "表头栏目不完整", "计划完成日期只写了「2020」"),
    ("E10", "合计不等于各项之和", "年度资金申请总额与各项之和不符"),
    ("E11", "得分与计分规则不符", "8 分的指标给 7 分，按公式应为 7.97（写明了原因：手工扣分）"),
    ("E12", "符号与单位写法不规范", "「>=95%」「(百分比)」"),
    ("E13", "目标偏保守", "大多是「及时」「健全」「有效」这类定性指标"),
]


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    print(catalogue_markdown(), end="")
