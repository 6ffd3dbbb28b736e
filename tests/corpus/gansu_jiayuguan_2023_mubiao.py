"""省级部门预算项目支出绩效目标表(2023年度) — 嘉峪关城市博物馆, 甘肃省嘉峪关市, 2023.

Source: http://bigxun.com/view/1667741699571552258
Rebuilt the way the unit's own Excel looks: labels, merged cells and values exactly as
published (typos and odd symbols kept). The stored text is an OCR run without cell separators:
the two-pairs-per-row layout (single pairs merged across B:D) and the name/value splits of the
qualitative rows are the research note's reading; the OCR errors (一*级, 完成H期, 二100,
LJUI,冈位) are kept. Only project 1 of the page is complete and rebuilt; project 2 (博物馆提升改造
项目) is cut off in the stored text.
"""

from tests.corpus._build import Form

FORM = Form(
    sheet="绩效目标表",
    rows=[
        ["省级部门预算项目支出绩效目标表(2023年度)"],
        [
            "一*级项目名称",
            "文化事业发展专项资金",
            "二级项目名称",
            "博物馆纪念馆市级免费开放补助资金",
        ],
        ["项目类型", "新增项目", "项目分类", "专项工作经费"],
        ["资金用途", "业务类项目", "主管部门", "嘉峪关市文化和旅游局"],
        ["项目开始日期", "2023-01-01", "项目完成H期", "2023-12-31"],
        ["项目总投资", "20万元", None, None],
        ["中央补助安排", 0, "省级财政安排", 0],
        ["其他资金", "20万元", "预算申报数", "20万元"],
        ["资金性质", "一般公共预算", None, None],
        ["基本情况", "保障博物馆正常运转", None, None],
        ["项目立项必要性", "保障各项业务正常运行", None, None],
        ["保证项目实施的制度措施", "博物馆绩效考核", None, None],
        ["项目实施计划", None, None, None],
        ["组织实施单位", "甘肃省文物局", "监督管理单位", "嘉峪关文旅局"],
        ["项目实施单位", "嘉峪关城市博物馆", None, None],
        ["政策依据", "甘财科\n[2022]78号", "其他依据", None],
        ["需要说明的其他问题", None, None, None],
        ["年度绩效目标", "进一步提高博物馆纪念馆运行效率和免费开放服务水平", None, None],
        ["一级指标", "二级指标", "三级指标", "指标目标值"],
        ["产出指标", "数量指标", "免费开放天数", "=300天"],
        [None, "质量指标", "博物馆绩效考核指标完成率", "=100百分比"],
        [None, "时效指标", "各项工作完成及时率%", "=99百分比"],
        ["成本指标", "经济成本指标", "资金使用效率", "二100百分比"],
        [None, "社会成本指标", "对当地文物保护、文化传承影响", "长远"],
        [None, "生态环境成本指标", "提升博物馆绿化水平", "提升"],
        ["效益指标", "经济效益指标", "为当地提供就业LJUI,冈位", "增加岗位"],
        [None, "社会效益指标", "免费开放接待观众人数", "=30000人次"],
        [None, "生态效益指标", "历史文化传承环保意识时限", "长远"],
        ["满意度指标", "服务对象满意度", "服务对象满意度%", "=99百分比"],
    ],
    merges=[
        "A1:D1",
        "B6:D6",
        "B9:D9",
        "B10:D10",
        "B11:D11",
        "B12:D12",
        "B13:D13",
        "B15:D15",
        "B17:D17",
        "B18:D18",
        "A20:A22",
        "A23:A25",
        "A26:A28",
    ],
    title_rows=1,
)


def _ind(level1: str, level2: str, name: str, target: str) -> dict[str, str]:
    return {"level1": level1, "level2": level2, "name": name, "target": target}


EXPECTED = {
    # No table-level unit line; the amounts carry it in the cell (20万元).
    "money_unit": "万元",
    "framework": "national-2021",
    "projects": [
        {
            "fields": {
                "parent_name": "文化事业发展专项资金",
                "name": "博物馆纪念馆市级免费开放补助资金",
                "project_type": "新增项目",
                "category": "专项工作经费",
                "purpose": "业务类项目",
                "department": "嘉峪关市文化和旅游局",
                "start": "2023-01-01",
                "overview": "保障博物馆正常运转",
                "unit": "嘉峪关城市博物馆",
                "annual_goal": "进一步提高博物馆纪念馆运行效率和免费开放服务水平",
            },
            "money": {
                "total": {"amount": "20"},
                "central": {"amount": "0"},
                "provincial": {"amount": "0"},
                "other": {"amount": "20"},
            },
            "indicators": [
                _ind("产出指标", "数量指标", "免费开放天数", "=300天"),
                _ind("产出指标", "质量指标", "博物馆绩效考核指标完成率", "=100百分比"),
                _ind("产出指标", "时效指标", "各项工作完成及时率%", "=99百分比"),
                _ind("成本指标", "经济成本指标", "资金使用效率", "二100百分比"),
                _ind("成本指标", "社会成本指标", "对当地文物保护、文化传承影响", "长远"),
                _ind("成本指标", "生态环境成本指标", "提升博物馆绿化水平", "提升"),
                _ind("效益指标", "经济效益指标", "为当地提供就业LJUI,冈位", "增加岗位"),
                _ind("效益指标", "社会效益指标", "免费开放接待观众人数", "=30000人次"),
                _ind("效益指标", "生态效益指标", "历史文化传承环保意识时限", "长远"),
                _ind("满意度指标", "服务对象满意度", "服务对象满意度%", "=99百分比"),
            ],
            "unmapped": {
                # the OCR turned 日期 into H期: no vocabulary knows that label, so the date
                # is kept under the label as printed
                "项目完成H期": "2023-12-31",
                "预算申报数": "20万元",
                "资金性质": "一般公共预算",
                "项目立项必要性": "保障各项业务正常运行",
                "保证项目实施的制度措施": "博物馆绩效考核",
                "组织实施单位": "甘肃省文物局",
                "监督管理单位": "嘉峪关文旅局",
                "政策依据": "甘财科\n[2022]78号",
            },
        },
    ],
    "not_indicators": [],
}
