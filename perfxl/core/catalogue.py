"""The catalogue of findings: stable codes, severities, titles, message templates and hints.

This table is the only source of a finding's severity, title, message and hint: every stage
builds its findings with :func:`finding`, which fills the rule's templates (``str.format``
named fields) from the values the emitter passes. Codes never change meaning once published;
a retired rule keeps its code reserved. The page docs/findings.md is generated from this table
(``python -m perfxl.checks.catalogue``) and a test keeps the two identical.

Groups: D — the project definition (YAML); R — reading a file; O — outputs perfxl writes;
S — structure; F — header fields; M — money; I — indicators; T — text; E — self-evaluation;
C — this year against last year (``compare``);
K — mid-year monitoring and what a later stage carries from the one before.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from perfxl.core.findings import ERROR, INFO, SEVERITY_LABEL, WARNING, Finding


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    message: str  # template; the named fields are what the emitter passes
    hint: str  # template too, most without fields
    domain: str = ""  # the error class of the domain notes (§5.3) it covers, if any


_DETAIL = "{detail}"  # the reading stage states the reason itself (which part, which limit)

_RULES = [
    # the project definition (YAML)
    Rule(
        "D001",
        ERROR,
        "YAML 格式错误",
        "YAML 格式错误：{problem}",
        "请检查该位置附近的缩进、冒号和引号；值中含有「:」「#」等符号时请用英文双引号括起来",
    ),
    Rule("D002", ERROR, "键不是简单文字", "键必须是简单文字，不能是列表或映射", "请检查缩进和冒号"),
    Rule(
        "D003",
        ERROR,
        "同一层级的键重复",
        "键「{key}」重复出现",
        "同一层级的每个键只能写一次，请删除或合并重复的键",
    ),
    Rule(
        "D004",
        ERROR,
        "文件不是 UTF-8 编码",
        "文件不是 UTF-8 编码（看起来是：{encoding}）",
        "请在编辑器中另存为 UTF-8 编码",
    ),
    Rule("D005", ERROR, "定义文件无法读取", "无法读取文件：{reason}", "检查文件路径和读取权限"),
    Rule(
        "D006",
        ERROR,
        "文件内容不是项目定义",
        "文件内容应是「键: 值」形式的项目定义",
        "参考 sample_data/ 中的示例文件",
    ),
    Rule(
        "D007",
        ERROR,
        "缺少表样",
        "缺少表样 layout",
        "例如 layout: declaration；可用的表样见 perfxl layouts",
    ),
    Rule(
        "D008", ERROR, "表样不存在", "表样「{layout}」不存在", "可用的表样：{choices}。{suggestion}"
    ),
    Rule(
        "D009",
        ERROR,
        "指标体系不存在",
        "指标体系「{framework}」不存在",
        "可用的指标体系：{choices}。{suggestion}",
    ),
    Rule(
        "D010",
        ERROR,
        "未知的键",
        "{where}有未知的键「{key}」",
        "可用的键：{choices}。{suggestion}",
    ),
    Rule("D011", ERROR, "同义键重复", "键「{key}」与前面的同义键重复", "请只保留一个"),
    Rule("D012", ERROR, "金额单位不支持", "金额单位「{unit}」不支持", "只能是「元」或「万元」"),
    Rule("D013", ERROR, "缺少年度", "缺少年度 year", "例如 year: 2024"),
    Rule("D014", ERROR, "年度无效", "年度「{value}」无效", "应是 4 位年份，如 2024"),
    Rule("D015", ERROR, "整数超出范围", "{what}「{value}」无效", "应是 {low} 到 {high} 之间的整数"),
    Rule(
        "D016",
        ERROR,
        "缺少项目列表",
        "缺少项目列表 projects",
        "每个项目写成 projects: 下以「- name: 项目名称」开头的一项",
    ),
    Rule("D017", ERROR, "项目列表为空", "projects 应是非空列表", "每个项目以「- 」开头"),
    Rule(
        "D018",
        ERROR,
        "项目不是映射",
        "每个项目应是「键: 值」映射",
        "项目以「- name: 项目名称」开头，下面各键缩进对齐",
    ),
    Rule(
        "D019", ERROR, "分组不是映射", "{where}的「{group}」应是映射", "写成 {group}: {{键: 值, …}}"
    ),
    Rule(
        "D020",
        ERROR,
        "缺少必填项",
        "{where}缺少必填项「{label}」（{key}）",
        "请在项目中写 {key}: …；{inheritable} 也可在文件顶层为所有项目统一写一次",
        "E9",
    ),
    Rule(
        "D021",
        WARNING,
        "项目没有绩效指标",
        "{where}没有绩效指标",
        "请在 indicators: 下逐条填写指标",
    ),
    Rule(
        "D022",
        ERROR,
        "开始日期晚于完成日期",
        "{where}的开始日期 {start} 晚于完成日期 {end}",
        "请检查两个日期是否写反",
    ),
    Rule("D023", ERROR, "绩效指标不是列表", "{where}的绩效指标应是列表", "每条指标以「- 」开头"),
    Rule(
        "D024",
        ERROR,
        "指标写法不对",
        "{where}应写成列表 [一级, 二级, …] 或映射",
        "参考 docs/yaml-format.md",
    ),
    Rule(
        "D025",
        ERROR,
        "指标的值多于表格的列",
        "{where}有 {count} 个值，多于表格的 {columns} 列",
        "列的顺序：{labels}",
    ),
    Rule(
        "D026", ERROR, "指标缺少必填列", "{where}缺少「{label}」", "请补写该列；列的顺序：{labels}"
    ),
    Rule("D027", ERROR, "指标层级为空", "{where}的「{label}」为空", "请从指标体系中选择"),
    Rule(
        "D028",
        ERROR,
        "指标层级不在指标体系中",
        "{where}的{label}「{value}」不在指标体系 {framework} {under}的{label}中",
        "可选：{choices}",
    ),
    Rule(
        "D029",
        ERROR,
        "指标层级不属于所在的上级指标",
        "{where}的{label}「{value}」不属于「{parent}」",
        "「{parent}」下可选：{choices}",
        "E1",
    ),
    Rule(
        "D030",
        WARNING,
        "指标层级不在指标体系中，已按原文写入",
        "{where}的{label}「{value}」不在指标体系 {framework} {under}的{label}中",
        "可选：{choices}；已按原文写入",
    ),
    Rule(
        "D031",
        INFO,
        "指标层级使用了别名",
        "{where}的{label}「{value}」已按规范名称写成「{canonical}」",
        "建议直接写规范名称",
    ),
    Rule(
        "D032",
        INFO,
        "项目名称含有工作表名不允许的字符",
        "项目名称「{name}」含有 Excel 工作表名不允许的字符 {chars}，工作表名写成「{tab}」",
        "无需修改：表中的项目名称照原文写入，读回时也是原文",
    ),
    Rule(
        "D033",
        ERROR,
        "项目名称重复",
        "项目名称「{name}」重复（第一次出现在第 {first_line} 行）",
        "每个项目名称在一个文件中只能出现一次；同名项目请加上区分，如「（二期）」",
    ),
    Rule(
        "D034",
        ERROR,
        "日期无效",
        "{where}的{label}「{value}」不是有效日期",
        "月份应在 1–12 之间，日期不能超过当月天数",
        "E9",
    ),
    Rule(
        "D035",
        WARNING,
        "日期不完整",
        "{where}的{label}「{value}」不是完整日期，已按文字写入",
        "请写成 2024-12-31 这样的年-月-日格式",
        "E9",
    ),
    Rule(
        "D036",
        ERROR,
        "不是日期",
        "{where}的{label}「{value}」不是日期",
        "请写成 2024-01-01 这样的年-月-日格式",
    ),
    Rule(
        "D037",
        ERROR,
        "不是数字",
        "{where}的{label}「{value}」不是数字",
        "只写有限的数字，如 1094910000.00；金额的单位由 money_unit 统一给出",
    ),
    Rule("D038", WARNING, "金额为负数", "{where}的{label}金额「{value}」为负数", "请确认是否填错"),
    Rule(
        "D039",
        ERROR,
        "应为单个值",
        "{where}的{label}应为单个值，却写成了列表或映射",
        "请检查缩进",
    ),
    Rule(
        "D040",
        ERROR,
        "金额行的数字个数不对",
        "{where}的{label}应有 {expected} 个数，却写了 {count} 个",
        "顺序：{parts}",
    ),
    Rule(
        "D041",
        ERROR,
        "金额行写法不对",
        "{where}的{label}应写成列表 [{parts}]",
        "例如 [7.80, 1.55, 1.55]",
    ),
    Rule(
        "D042",
        ERROR,
        "金额行中的项不是数字",
        "{where}的{label}中的每一项应是数字",
        "例如 [7.80, 1.55, 1.55]",
    ),
    Rule(
        "D043",
        ERROR,
        "嵌套层数过多",
        "列表或映射嵌套超过 {limit} 层，不予读取",
        "项目定义只需几层嵌套；请检查是否有多余的括号或缩进",
    ),
    Rule(
        "D044",
        ERROR,
        "内容过多（疑似别名炸弹）",
        "展开别名后超过 {limit} 个值，不予读取",
        "请不要用 & 和 * 层层引用；直接写出每个项目",
    ),
    Rule(
        "D045",
        ERROR,
        "别名引用了自身",
        "这里的别名（*）引用了包含它自己的内容，无法展开",
        "请去掉这个别名，直接写出内容",
    ),
    Rule(
        "D046",
        ERROR,
        "数字过大",
        "「{value}」超出了可用的范围（绝对值应小于 {limit}）",
        "请检查是否多写了位数或写成了科学计数法",
    ),
    # reading and structure
    Rule("R001", ERROR, "文件不存在或无法读取", _DETAIL, "检查文件路径和读取权限"),
    Rule("R002", ERROR, "文件为空", _DETAIL, "请让填报单位重新发送"),
    Rule("R003", ERROR, "不是工作簿", _DETAIL, "只接受 .xlsx、.xlsm、.xls、.ods 文件"),
    Rule(
        "R004",
        ERROR,
        "文件已损坏或不完整",
        _DETAIL,
        "请让填报单位用 Excel 或 WPS 重新保存后发送",
    ),
    Rule("R005", ERROR, "工作簿已加密", _DETAIL, "请让填报单位取消打开密码后重新发送"),
    Rule(
        "R006",
        ERROR,
        "文件过大或疑似压缩炸弹",
        _DETAIL,
        "请核实文件来源；正常的绩效目标表不超过几 MB",
    ),
    Rule("R007", ERROR, "XML 中含有实体声明", _DETAIL, "文件可能被篡改，不予读取"),
    Rule("R008", ERROR, "不是可识别的绩效目标表", _DETAIL, "请使用下发的表样填写"),
    Rule(
        "R009",
        ERROR,
        "表格超出一张绩效表的合理范围",
        _DETAIL,
        "一张绩效表最多几百行、几十列；请删除表格以外多余的行列后重新保存",
    ),
    Rule(
        "R010",
        ERROR,
        "工作表结构异常",
        _DETAIL,
        "单元格位置或个数超出了 Excel 的范围，文件可能被篡改；请用 Excel 另存为新工作簿后发送",
    ),
    Rule(
        "R011",
        ERROR,
        "读取时程序意外终止",
        _DETAIL,
        "文件很可能已损坏；请让填报单位用 Excel 或 WPS 打开后另存为新工作簿再发送",
    ),
    Rule(
        "R012",
        WARNING,
        "记录的年度已损坏",
        "「{workbook}」中记录的年度（文档属性 perfxl_year）是「{value}」，不是四位数字的年份，"
        "属性已损坏；已改按表格标题中的年度检查",
        "请让填报单位使用下发的表格，不要修改文档属性",
    ),
    Rule(
        "R013",
        WARNING,
        "同类问题太多，其余未列出",
        "「{workbook}」还有 {count} 个「{folded} {title}」问题没有列出（每类最多列出 {limit} 个）",
        "多半是表格中多出了大量的行；请删除表格以外多余的行后重新检查",
    ),
    # outputs perfxl writes (the annotated copy, reports, summaries)
    Rule(
        "O001",
        ERROR,
        "无法写入输出文件",
        _DETAIL,
        "检查输出文件夹是否存在、可写、磁盘是否已满；输入文件没有被改动",
    ),
    Rule(
        "O002",
        ERROR,
        "输出会覆盖输入文件",
        "{what}会写到输入文件「{input}」上，未做任何处理",
        "请换一个输出位置（输入文件从不修改）",
    ),
    Rule(
        "O003",
        ERROR,
        "输出的工作簿在输入文件夹中",
        "{what}在输入文件夹「{folder}」中，以后读取这个文件夹时会被当作交回的表读入，未做任何处理",
        "请写到输入文件夹以外的位置",
    ),
    Rule(
        "O004",
        ERROR,
        "两个输出是同一个文件",
        "{what}与{other}是同一个文件，未做任何处理",
        "请给它们不同的文件名",
    ),
    Rule(
        "O005",
        ERROR,
        "输出文件的位置是文件夹",
        "{what}的位置已有一个同名文件夹，未做任何处理",
        "请给出文件名，或换一个位置",
    ),
    Rule(
        "O007",
        INFO,
        "工作表名由项目名称截短",
        "项目名称「{name}」有 {length} 个字符，超过工作表名的 31 个，工作表名写成「{tab}」",
        "无需修改：表中的项目名称照原文写入，读回时也是原文",
    ),
    Rule(
        "O006",
        ERROR,
        "输出文件夹的位置是文件",
        "{what}应是文件夹，但这里已有一个同名文件，未做任何处理",
        "请换一个文件夹名（已有的文件不会被覆盖）",
    ),
    Rule(
        "S001",
        WARNING,
        "表样版本与本工具不同",
        "「{workbook}」的表样版本是 {found}，本工具的是 {expected}",
        "请确认填报单位使用的是本年度下发的表样",
    ),
    Rule(
        "S002",
        ERROR,
        "找不到栏目",
        "找不到栏目「{label}」，该栏的内容无法读取",
        "请不要删除或改写表中的栏目名称；可从下发的空白表中复制回来",
    ),
    Rule(
        "S003",
        ERROR,
        "找不到绩效指标表",
        "找不到「{label}」表头（{columns}）",
        "请不要删除指标表的表头行",
    ),
    Rule(
        "S004",
        WARNING,
        "下拉列表已被删除",
        "下拉列表（一级、二级指标等）已被删除",
        "复制粘贴会覆盖下拉列表；请在下发的空白表中重新填写或用选择性粘贴（数值）",
    ),
    Rule(
        "S005",
        WARNING,
        "表格以外有内容",
        "表格右侧有内容「{value}」",
        "请把内容填入表格中相应的栏目，或删除表外的内容",
    ),
    Rule(
        "S006",
        ERROR,
        "工作簿中没有项目表",
        "「{workbook}」中没有「{layout}」的项目工作表",
        "请使用下发的表样，不要删除项目工作表",
    ),
    Rule(
        "S007",
        INFO,
        "按栏目标签识别表样",
        "「{workbook}」不是由 perfxl 生成，已按栏目名称识别为「{layout}」",
        "该文件不是由 perfxl 生成，已按栏目名称读取",
    ),
    Rule(
        "S008",
        WARNING,
        "项目表少于下发时的张数",
        "下发的 {expected} 张项目表只找到 {found} 张（可能删除了：{missing}）",
        "请确认是否有项目被删除",
    ),
    Rule(
        "S009",
        INFO,
        "按通用词表读取",
        "「{workbook}」不符合任何表样，已按通用词表读取：{projects} 个项目、{fields} 个栏目、"
        "{indicators} 条指标；指标体系按「{framework}」检查（{reason}）",
        "该表来自其他地区或系统；读出的栏目见 JSON 报告，词表见 docs/family.md",
    ),
    Rule(
        "S010",
        INFO,
        "栏目不在词表中",
        "栏目「{label}」（值「{value}」）不在通用词表中，未作检查",
        "该栏目已原样保留；若是常见写法，可加入 templates/family/vocabulary.yaml",
    ),
    Rule(
        "S011",
        WARNING,
        "表中还有没读出的指标表",
        "第 {row} 行还有一个指标表头，但它上面找不到项目名称，这部分没有读出",
        "请确认每个项目都填写了「项目名称」；多个项目请分别填写",
    ),
    Rule(
        "S012",
        ERROR,
        "没有任何绩效指标",
        "项目没有任何{label}：指标表中没有一行填写了指标名称或指标值",
        "请在指标表中逐行填写一级、二级、三级指标和指标值；没有指标的表不能通过审核",
    ),
    Rule(
        "S015",
        INFO,
        "中长期指标表未检查",
        "第 {row} 行的「{label}」是中长期的指标表，只检查本年度的指标表",
        "中长期指标已原样保留；本年度的指标请填在年度指标表中",
    ),
    Rule(
        "S016",
        INFO,
        "按下发的空白表填报",
        "这是按下发的空白表「{form}」填报的表（栏目与下发时相同，表格指纹 {fingerprint}）",
        "无需处理",
    ),
    Rule(
        "S017",
        WARNING,
        "栏目与下发的空白表不同",
        "这份表记录的是下发的空白表「{form}」（表格指纹 {fingerprint}），但找不到其中的栏目「{missing}」",
        "请确认填报单位没有改动、增删栏目标签，也没有换用其他表格；必要时请按下发的空白表重新填报",
    ),
    # header fields
    Rule("F001", ERROR, "必填项为空", "必填项「{label}」为空", "请填写该栏目", "E9"),
    Rule(
        "F002",
        ERROR,
        "日期无效或不完整",
        "{label}「{value}」不是完整的有效日期",
        "请按 2024-01-01 的格式填写完整日期",
        "E9",
    ),
    Rule(
        "F003",
        ERROR,
        "开始日期晚于完成日期",
        "开始日期 {start} 晚于完成日期 {end}",
        "请检查两个日期是否写反",
    ),
    Rule(
        "F004",
        WARNING,
        "日期不在本年度",
        "{label} {date} 不在 {year} 年度内",
        "计划日期应在表的年度内；跨年项目请确认",
    ),
    Rule(
        "F005",
        ERROR,
        "金额不是数字",
        "{label}「{value}」不是数字",
        "金额栏只填数字，不要写单位或文字",
    ),
    Rule(
        "F006",
        INFO,
        "数字以文本形式保存",
        "{label}「{value}」是文本形式的数字",
        "已按数字读取；建议在 Excel 中转换为数字",
    ),
    Rule(
        "F007",
        INFO,
        "日期以文本或数字序号形式保存",
        "{label}「{value}」是以{stored_as}保存的日期",
        "已按日期读取；建议设置为日期格式",
    ),
    Rule(
        "F008",
        WARNING,
        "选项不在下拉列表中",
        "{label}「{value}」不在下拉列表中（{choices}）",
        "请从下拉列表中选择",
    ),
    # money
    Rule(
        "M001",
        ERROR,
        "年度资金申请总额不等于各项之和",
        "{total_label} {total} ≠ {parts_label}之和 {sum}（相差 {difference}）",
        "年度资金申请总额 = 当年财政拨款 + 上年结转资金 + 其他资金",
        "E10",
    ),
    Rule(
        "M002",
        ERROR,
        "项目资金总额不等于各项之和",
        "{total_label} {total} ≠ {parts_label}之和 {sum}（相差 {difference}）",
        "项目资金总额 = 财政资金 + 其他资金",
        "E10",
    ),
    Rule(
        "M003",
        WARNING,
        "年度资金大于项目资金总额",
        "{annual_label} {annual} 大于{project_label} {project_total}",
        "一年期项目两者通常相等；请核对",
    ),
    Rule(
        "M004",
        ERROR,
        "金额单位不一致",
        "金额单位「{unit}」与本表的「{expected}」不同",
        "同一张表的金额单位应统一为元或万元",
    ),
    Rule(
        "M005",
        ERROR,
        "年度资金总额不等于各分项之和",
        "{total_label}的{part_label} {total} ≠ 各分项之和 {sum}",
        "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金（三列分别核对）",
        "E10",
    ),
    Rule(
        "M006",
        WARNING,
        "执行数超过预算数",
        "{executed_label} {executed} 超过{budget_label} {budget}",
        "全年执行数通常不超过全年预算数；请核对",
    ),
    Rule(
        "M007",
        ERROR,
        "各项目金额之和与说明中的合计不符",
        "各项目{amount_label}之和 {sum} 与说明中的{stated_label} {stated} 不符",
        "请核对各项目的资金申请数",
    ),
    Rule("M008", WARNING, "金额为负数", "{label}为负数 {value}", "请确认是否填错"),
    Rule(
        "M009",
        ERROR,
        "合计不等于各项之和",
        "{total_label} {total} ≠ {parts_label}之和 {sum}（相差 {difference}）",
        "合计 = 各组成项之和；请核对各项金额",
        "E10",
    ),
    # merging returns (perfxl merge): why a file or project was left out
    Rule(
        "M010",
        WARNING,
        "重复交回的项目（未合并）",
        "{unit}「{name}」{year}年度的表也在「{kept}」中；保留修改时间较新的那一份，这一份未合并",
        "确实要把两份都合并时，用 --duplicates keep",
    ),
    Rule(
        "M011",
        WARNING,
        "perfxl 自己的输出（未合并）",
        "「{workbook}」是 perfxl 写出的{kind}，不是交回的表，未合并",
        "请把标注副本和汇总表放在回收文件夹以外",
    ),
    Rule(
        "M012",
        WARNING,
        "年度不是所选的年度（未合并）",
        "「{workbook}」是 {year} 年度的表，不是 --year 选定的 {wanted} 年度，未合并",
        "要汇总这个年度时，用 --year {year} 另行汇总",
    ),
    Rule(
        "M013",
        WARNING,
        "汇总中有多个年度",
        "合并的表来自 {count} 个年度：{years}",
        "一张汇总表通常只汇总一个年度；用 --year 年度 只合并其中一个",
    ),
    Rule(
        "M014",
        ERROR,
        "有重复的项目（按 --duplicates stop 未生成汇总表）",
        "发现 {count} 组重复的项目，按 --duplicates stop 未生成汇总表：{listing}",
        "删去多余的文件后重新汇总，或改用 --duplicates newer（保留较新的）或 keep（都保留）",
    ),
    Rule(
        "M015",
        ERROR,
        "金额不是确定的数",
        "{label}是「{value}」，不是一个确定的数，无法计算和汇总",
        "请填写具体金额；NaN、无穷大多来自出错的公式或导出程序，请改为数字",
    ),
    Rule(
        "M016",
        ERROR,
        "金额超出可用的范围",
        "{label}「{value}」超出了可用的范围（绝对值应小于 {limit}）",
        "请检查是否多写了位数或写成了科学计数法；Excel 只保留 15 位有效数字",
    ),
    # indicators
    Rule(
        "I001",
        ERROR,
        "指标层级不在指标体系中",
        "{label}「{value}」不在指标体系「{framework}」中（可选：{choices}）",
        "请从下拉列表中选择",
    ),
    Rule(
        "I002",
        ERROR,
        "下级指标不属于所在的上级指标",
        "{label}「{value}」不属于「{parent}」（可选：{choices}）",
        "改动上级指标后请重新选择本级指标；上级指标是合并单元格时请一并核对",
        "E1",
    ),
    Rule(
        "I003",
        INFO,
        "指标名称使用了别名",
        "{label}「{value}」是「{canonical}」的别名",
        "建议使用规范名称",
    ),
    Rule(
        "I004",
        ERROR,
        "缺少必须设置的一级指标",
        "没有设置一级指标「{level1}」（{framework} 要求每个项目设置）",
        "每个项目都应设置该一级指标",
        "E7",
    ),
    Rule(
        "I005",
        ERROR,
        "二级指标下没有三级指标",
        "「{path}」下没有指标名称",
        "每个二级指标下至少填写一个具体指标",
    ),
    Rule(
        "I006",
        WARNING,
        "三级指标名称重复",
        "指标名称「{name}」与 {first} 重复",
        "同一项目中的指标名称不应重复",
    ),
    Rule(
        "I007",
        WARNING,
        "指标名称过长",
        "指标名称有 {length} 个字，超过 {limit} 个",
        "指标名称不超过 100 个字",
    ),
    Rule("I008", ERROR, "指标值为空", "指标「{name}」没有指标值", "请填写指标值"),
    Rule(
        "I009",
        WARNING,
        "该类指标应当量化",
        "「{level}」类指标「{name}」的指标值「{raw}」不是定量值",
        "数量、满意度等指标应写成「符号+数值+单位」，如 ≥90.00(%)",
        "E3",
    ),
    Rule(
        "I010",
        WARNING,
        "定量指标缺少比较符号",
        "指标「{name}」的指标值「{raw}」没有比较符号",
        "请写明 =、≥、≤、>、<，如 ≥90.00(%)",
        "E4",
    ),
    Rule(
        "I011",
        WARNING,
        "定量指标缺少计量单位",
        "指标「{name}」的指标值「{raw}」没有计量单位",
        "请写明单位，如 =2500(本)、≥95(%)",
        "E4",
    ),
    Rule(
        "I012",
        ERROR,
        "比率类指标的指标值不是百分比",
        "指标「{name}」以「{ending}」结尾，是比率指标，但指标值「{raw}」不是百分比",
        "名称以「率」「度」结尾的比率指标应写百分比，或改用数量类名称",
        "E2",
    ),
    Rule(
        "I013",
        ERROR,
        "数量类指标的指标值是百分比",
        "指标「{name}」是数量类指标，但指标值「{raw}」是百分比",
        "数量、人数、次数等应写具体数值和单位，或改用比率类名称",
        "E2",
    ),
    Rule(
        "I014",
        WARNING,
        "满意度指标值不规范",
        "满意度指标「{name}」的指标值「{raw}」不是不低于 80% 的百分比",
        "满意度应写百分比，且一般不低于 80%",
        "E2",
    ),
    Rule(
        "I015",
        INFO,
        "指标值写法不规范",
        "指标值「{raw}」中的「{written}」建议写成「{suggested}」",
        "建议写成规范形式，如 ≥95.00(%)",
        "E12",
    ),
    Rule(
        "I016",
        WARNING,
        "指标可能放错了层级",
        "「{name}」{reason}，却放在「{level2}」下",
        "请检查该指标是否属于所在的二级指标",
        "E1",
    ),
    Rule(
        "I017",
        WARNING,
        "定性指标表述含糊",
        "指标「{name}」的指标值「{raw}」含糊，无法衡量",
        "请使用可衡量的表述，如 及时、准确、达到……标准",
        "E3",
    ),
    Rule(
        "I018",
        INFO,
        "定性指标占比较高",
        "{total} 个指标中有 {qualitative} 个是定性指标",
        "能量化的指标尽量量化，以便评价",
        "E13",
    ),
    Rule(
        "I019",
        WARNING,
        "缺少建议设置的一级指标",
        "没有设置一级指标「{level1}」（{framework} 建议每个项目设置）",
        "建议每个项目都设置该一级指标",
        "E7",
    ),
    Rule("I020", ERROR, "指标层级为空", "指标「{name}」的{label}为空", "请从下拉列表中选择"),
    Rule(
        "I021",
        ERROR,
        "有指标值但没有指标名称",
        "{path} 下有指标值「{target}」但没有指标名称",
        "请填写三级指标名称",
    ),
    # text
    Rule(
        "T001",
        WARNING,
        "目标文字中的年份不是本年度",
        "{label}中写的是「{year}年」，本表是 {form_year} 年度",
        "请确认是否照抄了往年的表",
        "E6",
    ),
    Rule(
        "T002",
        WARNING,
        "文字有重复",
        "{label}中「{text}」连续重复出现",
        "请检查是否误粘贴",
        "E8",
    ),
    Rule(
        "T003",
        WARNING,
        "目标文字与绩效指标不一致",
        "{label}写「{subject}{number}%」，但指标「{name}」的指标值是「{target}」",
        "总体目标中的数值应与对应指标的指标值一致",
        "E5",
    ),
    Rule(
        "T004",
        ERROR,
        "单元格中是公式",
        "{label}是公式「{formula}」（显示为「{shown}」），不是填写的文字",
        "在常规格式的单元格中输入以 = 开头的内容会变成公式。请先把单元格设为文本格式"
        "（右键 → 设置单元格格式 → 文本）再重新输入，或在开头加英文单引号，如 '=12000.00(件)",
    ),
    Rule(
        "T005",
        ERROR,
        "单元格中是错误值",
        "{label}是错误值「{shown}」，原来输入的内容已经丢失",
        "多半是在常规格式的单元格中输入了以 = 开头的指标值。请先把单元格设为文本格式"
        "（右键 → 设置单元格格式 → 文本）再重新输入，如 =12000.00(件)",
    ),
    Rule(
        "T006",
        WARNING,
        "比率指标的指标值是数字",
        "指标「{name}」的指标值是数字 {value}，已按 {percent} 读取",
        "在常规格式的单元格中输入 100% 会变成数字 1。请把单元格设为文本格式后"
        "按「符号+数值+(%)」重新输入，如 ≥{percent_value}(%)",
        "E4",
    ),
    # self-evaluation
    Rule(
        "E001",
        ERROR,
        "执行率与公式计算不符",
        "执行率填的是 {value}，按公式应为 {expected}",
        "执行率 = 全年执行数 ÷ 全年预算数 × 100",
        "E11",
    ),
    Rule(
        "E002",
        ERROR,
        "预算执行得分与公式计算不符",
        "预算执行得分填的是 {value}，按公式应为 {expected}",
        "得分 = min(1, 执行率) × 分数",
        "E11",
    ),
    Rule(
        "E003",
        ERROR,
        "得分超过分值",
        "指标「{name}」得分 {score} 超过分值 {weight}",
        "得分不能超过该指标的分值",
    ),
    Rule(
        "E004",
        ERROR,
        "分值合计与计分规则不符",
        "各指标分值合计 {total}，不是 {expected} 分",
        "按计分规则「{profile}」，各绩效指标的分值合计应为 {expected} 分（预算执行率另有 {execution} 分）",
    ),
    Rule(
        "E005",
        ERROR,
        "扣分但未说明偏差原因",
        "指标「{name}」得分 {score} 低于分值 {weight}，但没有填写偏差原因",
        "得分低于分值时须填写偏差原因分析及改进措施",
    ),
    Rule(
        "E006",
        ERROR,
        "总分与各项得分之和不符",
        "总分填的是 {value}，各项得分之和为 {expected}",
        "总分 = 预算执行得分 + 各指标得分",
        "E11",
    ),
    Rule(
        "E007",
        ERROR,
        "评分等级与总分不符",
        "评分等级是「{grade}」，总分 {total} 应为「{expected}」",
        "优 ≥ 90，良 ≥ 80，中 ≥ 60，其余为差",
        "E11",
    ),
    Rule(
        "E008",
        WARNING,
        "得分低于按公式计算的得分（手工扣分）",
        "指标「{name}」得分 {score}，按完成比例计算应为 {expected}（原因：{reason}）",
        "已说明原因的手工扣分，请确认扣分依据",
        "E11",
    ),
    Rule(
        "E009",
        ERROR,
        "得分高于按公式计算的得分",
        "指标「{name}」得分 {score}，按完成比例计算只有 {expected}",
        "未完成的定量指标得分不应高于按完成比例计算的得分",
        "E11",
    ),
    Rule(
        "E010",
        WARNING,
        "定性指标的完成情况与得分档次不符",
        "指标「{name}」完成情况为「{actual}」，得分应在分值的 {band}，实际为 {score}/{weight}",
        "按计分规则「{profile}」：达成 {high}–100%，部分达成 {low}–{high}%，未达成 {low}% 以下",
    ),
    Rule(
        "E011",
        WARNING,
        "预算执行率的分值与计分规则不符",
        "预算执行率的分数是 {weight}，计分规则「{profile}」是 {execution} 分",
        "各地的计分规则不同（全国通用 10 分，湖北 20 分）；请按本地规则填写，或检查时用 --profile 选择计分规则",
    ),
    Rule(
        "E012",
        ERROR,
        "预算执行率偏低但未说明原因",
        "预算执行率 {rate}% 低于 {below}%，但没有填写偏差原因",
        "按计分规则「{profile}」，执行率低于 {below}% 时须在偏差原因分析中说明原因",
    ),
    # this year against last year (perfxl compare): {last} is the place on last year's form
    Rule(
        "C001",
        WARNING,
        "目标文字照抄上年",
        "{label}与上年（{last}）一字不差",
        "请按本年度的任务和上年的完成情况重新填写绩效目标",
        "E6",
    ),
    Rule(
        "C002",
        WARNING,
        "目标文字与上年几乎相同",
        "{label}与上年（{last}）几乎相同（不计年份、空格和标点，相似度 {ratio}）",
        "请按本年度的任务和上年的完成情况重新填写绩效目标",
        "E6",
    ),
    Rule(
        "C003",
        WARNING,
        "绩效指标和指标值与上年完全相同",
        "{count} 个绩效指标的名称和指标值与上年（{last}）完全相同",
        "请根据本年度的任务和上年的实际完成情况调整指标和指标值",
        "E6",
    ),
    Rule(
        "C004",
        WARNING,
        "指标值比上年宽松",
        "指标「{name}」的指标值「{target}」比上年的「{last_target}」（{last}）宽松",
        "指标值一般不应低于上年；确需降低时请在目标中说明理由",
        "E13",
    ),
    Rule(
        "C005",
        WARNING,
        "指标值低于上年实际完成值",
        "指标「{name}」的指标值「{target}」不如上年实际完成的「{actual}」（{last}）",
        "已经做到的水平不应作为新的目标；请提高指标值或说明理由",
        "E13",
    ),
    Rule(
        "C006",
        WARNING,
        "资金大幅增加而绩效指标未变",
        "项目资金 {money} 元比上年 {last_money} 元（{last}）增加 {share}（超过 {limit}），"
        "但绩效指标和指标值与上年相同",
        "资金增加较多时，产出和效益指标应相应提高",
    ),
    Rule(
        "C007",
        WARNING,
        "上年的指标本年没有了",
        "上年的指标「{name}」（{last}，指标值「{last_target}」）本年没有",
        "请确认是否有意删除；删除时请说明理由",
    ),
    Rule(
        "C008",
        INFO,
        "项目按相近的名称与上年配对",
        "本年项目「{name}」按相近的名称与上年的「{last_name}」（{last}）配对（相似度 {ratio}）",
        "请确认是同一个项目；不是时请忽略这一项的对比结果",
    ),
    Rule(
        "C009",
        INFO,
        "上年的项目本年没有",
        "上年的项目「{last_name}」（{last}）在本年的表中没有",
        "项目已结束时无需处理；否则请检查项目名称或是否漏交",
    ),
    Rule(
        "C010",
        INFO,
        "本年新增的项目",
        "项目「{name}」在上年的表中没有，无法与上年对比",
        "新增项目请另行审核",
    ),
    # mid-year monitoring (运行监控) and values carried from an earlier stage
    Rule(
        "K001",
        ERROR,
        "预算执行灯为红灯或黄灯但未分析原因",
        "{row}的预算执行灯是{light}灯（执行数 {executed}，调整后预算数 {adjusted}，{month} 月），但「{label}」没有填写",
        "支出进度低于序时进度 80% 时，须说明未达到支出进度的原因",
    ),
    Rule(
        "K002",
        ERROR,
        "指标灯为红灯或黄灯但未勾选偏差原因",
        "指标「{name}」的指标灯是{light}灯（执行情况「{progress}」，指标值「{target}」），但没有勾选偏差原因",
        "在经费保障、制度保障、人员保障、硬件条件保障、其他中勾选（打 √）偏差原因，并填写原因说明",
    ),
    Rule(
        "K003",
        ERROR,
        "勾选了偏差原因但未填写原因说明",
        "指标「{name}」勾选了偏差原因（{reasons}），但原因说明是空的",
        "勾选偏差原因后，须在原因说明中写明具体情况",
    ),
    Rule(
        "K004",
        ERROR,
        "完成目标可能性不是「确定能」但未填写全年预计完成情况",
        "指标「{name}」完成目标可能性是「{possibility}」，但全年预计完成情况是空的",
        "完成目标可能性为「有可能」或「完全不可能」时，须填写全年预计能完成到什么程度",
    ),
    Rule(
        "K005",
        WARNING,
        "偏差原因栏填的不是 √",
        "指标「{name}」的偏差原因「{label}」填的是「{value}」",
        "偏差原因栏只打 √（从下拉列表选择），不勾选的留空",
    ),
    Rule(
        "K006",
        WARNING,
        "灯与按规则计算的不符",
        "{what}显示「{value}」，按规则应为「{expected}」",
        "灯是公式计算的，请不要覆盖公式；若公式已被改动，请用原表重新填写",
    ),
    Rule(
        "K007",
        WARNING,
        "调整后预算数不等于年初预算加调整预算数",
        "{row}的调整后预算数 {adjusted}，年初预算 {initial} + 调整预算数 {adjustment} = {expected}",
        "调整后预算数 = 年初预算 + 调整预算数（调减写负数）",
    ),
    Rule(
        "K008",
        WARNING,
        "未选择完成目标可能性",
        "指标「{name}」已填写执行情况，但没有选择完成目标可能性",
        "从下拉列表选择：确定能、有可能、完全不可能",
    ),
    Rule(
        "K010",
        ERROR,
        "指标值与上一阶段不同",
        "指标「{name}」的指标值是「{value}」，{stage}（{source}）中是「{expected}」",
        "指标值只能通过绩效目标调整改变；请恢复为上一阶段的值，或附上调整批复",
    ),
    Rule(
        "K011",
        ERROR,
        "上一阶段的指标不见了",
        "{stage}（{source}）中的指标「{name}」（{levels}）在本表中没有",
        "各阶段的三级指标应与批复的一致，不能删除；请把这条指标加回来",
    ),
    Rule(
        "K012",
        ERROR,
        "增加了上一阶段没有的指标",
        "指标「{name}」不在{stage}（{source}）中",
        "各阶段的三级指标应与批复的一致，不能自行增加；确需增加的，须经绩效目标调整",
    ),
    Rule(
        "K013",
        ERROR,
        "上一阶段的项目不见了",
        "{stage}（{source}）中的项目「{name}」在本工作簿中没有",
        "请用 perfxl next 生成的原表填写，不要删除或改名项目工作表",
    ),
    Rule(
        "K014",
        ERROR,
        "上一阶段带入的栏目被改动",
        "「{label}」是「{value}」，{stage}（{source}）中是「{expected}」",
        "从上一阶段带入的栏目是锁定的，不能修改；请恢复原值",
    ),
    Rule(
        "K015",
        WARNING,
        "上一阶段的记录无法核对",
        "工作簿记录的上一阶段数据已损坏或被改动（{detail}），无法与上一阶段核对",
        "请用 perfxl next 重新生成本阶段的表，再把填写的内容抄过去",
    ),
    Rule(
        "K016",
        ERROR,
        "监控月份无效",
        "项目「{name}」的监控月份「{value}」不是 1–12 的整数",
        "写 month: 7（表示 1-7 月），或生成时用 --month 7",
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


def rule(code: str) -> Rule:
    return RULES[code]


def finding(
    code: str,
    *,
    sheet: str = "",
    cell: str = "",
    project: str = "",
    file: str = "",
    line: int | None = None,
    column: int | None = None,
    **fields: object,
) -> Finding:
    """The one way to make a finding: the rule's severity and title, its message and hint
    templates filled from ``fields``. A finding inside a project starts with where it is
    («「项目」D14：»), so every message reads where → what is wrong; the hint says how to fix."""
    r = RULES[code]
    message = r.message.format(**fields)
    if project:
        message = f"「{project}」{cell}：{message}"
    return Finding(
        code,
        r.severity,
        sheet,
        cell,
        message,
        r.hint.format(**fields),
        project,
        file,
        line,
        column,
    )


def _shown(template: str) -> str:
    """A template as the catalogue page shows it: named fields as ‹name›, braces unescaped."""
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name:
            out.append(f"‹{name}›")
    return "".join(out).replace("|", "\\|")


def catalogue_markdown() -> str:
    """The findings catalogue page (docs/findings.md), generated from the table above."""
    lines = [
        "# 检查规则目录",
        "",
        "本页由 `python -m perfxl.checks.catalogue` 从 `perfxl/core/catalogue.py` 生成，请勿手工修改。",
        "代码一经发布不再改变含义；`perfxl check --format json` 输出中的 `code` 即此处的代码。",
        "",
        "严重程度：**错误**（error）必须改正，`perfxl check` 有错误时退出码为 1；**警告**（warning）请核实；"
        "**提示**（info）仅供参考。",
        "",
        "D 组是项目定义（YAML）中的问题，报告时带文件名、行号和列号；其余各组是工作簿中的问题，"
        "报告时带工作表和单元格。「消息」一栏中的 ‹…› 在报告中换成实际的值（如栏目名称、"
        "填写的内容）；工作簿中的问题在消息前加上「项目名称」和单元格。",
        "",
        "| 代码 | 严重程度 | 问题 | 消息 | 怎么改 | 对应的常见错误 |",
        "|---|---|---|---|---|---|",
    ]
    for r in _RULES:
        lines.append(
            f"| {r.code} | {SEVERITY_LABEL[r.severity]} | {r.title} | {_shown(r.message)} "
            f"| {_shown(r.hint)} | {r.domain} |"
        )
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
