"""Property: for every layout, YAML → workbook → extracted YAML gives the same data back."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfxl.checks.run import RunOptions, check_file
from perfxl.define.model import load_document_text
from perfxl.layout.templates import template_set
from perfxl.read.convert import to_yaml
from perfxl.read.locate import layout_map, norm_label
from perfxl.write.workbook import DocumentWriter

CHARS = "项目资金管理服务中心社会保障养老费用征地宣传鉴定运维系统数据质量时效人次件份ABCxyz0123456789（）()、，。-/%≥≤=<>"
YEAR = 2024


def texts(forbidden: set[str], max_size: int = 24) -> st.SearchStrategy[str]:
    return (
        st.text(alphabet=CHARS, min_size=1, max_size=max_size)
        .map(str.strip)
        .filter(
            lambda s: bool(s) and norm_label(s) not in forbidden and not s.startswith(("-", "="))
        )
    )


def money() -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=10**11).map(lambda n: Decimal(n) / 100)


def scores() -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100)


@st.composite
def definitions(draw, layout_id: str):
    ts = template_set()
    layout = ts.layout(layout_id)
    fw = ts.framework(layout.framework)
    lmap = layout_map(ts, layout_id)
    forbidden = lmap.labels | set(lmap.table_headers)
    doc: dict = {"layout": layout_id, "year": YEAR}
    n = draw(st.integers(min_value=1, max_value=3))
    names = draw(
        st.lists(
            texts(forbidden, 20).filter(lambda s: not set(s) & set("/\\?*[]:")),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    projects = []
    for name in names:
        project: dict = {}
        for spec in layout.fields:
            if spec.key.startswith("reported.") or spec.key == "name":
                continue
            if not spec.required and draw(st.booleans()):
                continue
            if spec.type in ("text", "longtext"):
                value = draw(texts(forbidden, 60 if spec.type == "longtext" else 24))
            elif spec.type == "choice":
                value = draw(st.sampled_from(layout.lists[spec.list]))
            elif spec.type == "money":
                value = draw(money())
            elif spec.type == "number":
                value = draw(scores())
            elif spec.type == "money_row":
                value = draw(st.lists(money(), min_size=3, max_size=3))
            elif spec.type == "date":
                value = (
                    dt.date(YEAR, 1, 1)
                    if spec.key == "start"
                    else dt.date(YEAR, 12, draw(st.integers(1, 31)))
                )
            else:  # pragma: no cover
                continue
            if "." in spec.key:
                group, member = spec.key.split(".", 1)
                project.setdefault(group, {})[member] = value
            else:
                project[spec.key] = value
        project["name"] = name
        indicators = []
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            path: list[str] = []
            for _depth in range(fw.depth):
                path.append(draw(st.sampled_from(fw.children(tuple(path)))))
            row: dict = dict(zip([c.key for c in layout.indicators.level_columns], path))
            for column in layout.indicators.columns:
                if column.type == "level":
                    continue
                if column.type == "number":
                    row[column.key] = draw(scores())
                elif column.key in ("target", "actual"):
                    row[column.key] = draw(
                        st.sampled_from(
                            ["=100.00(%)", "≥90.00(%)", "≤3(人)", "及时", "=2500(本)", "达成指标"]
                        )
                        | texts(forbidden)
                    )
                elif column.list:
                    row[column.key] = draw(st.sampled_from(layout.lists[column.list]))
                else:
                    row[column.key] = draw(texts(forbidden))
            indicators.append(row)
        project["indicators"] = indicators
        projects.append(project)
    doc["projects"] = projects
    return doc


def _filled(values: dict) -> dict:
    return {
        k: v for k, v in values.items() if v not in (None, "") and not k.startswith("reported.")
    }


@pytest.mark.parametrize("layout_id", ["declaration", "target-2020", "approval", "self-eval"])
def test_yaml_workbook_yaml_round_trip(layout_id):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(definitions(layout_id))
    def check(data):
        text = to_yaml(data)  # the same writer as perfxl extract's
        doc = load_document_text(text, "generated.yaml")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "form.xlsx"
            DocumentWriter(template_set()).write(doc, out)
            report = check_file(out, RunOptions(want_definition=True))
        assert report.readable, report.findings
        back = load_document_text(report.definition_yaml, "extracted.yaml")
        assert [p.name for p in back.projects] == [p.name for p in doc.projects]
        for a, b in zip(doc.projects, back.projects):
            assert _filled(b.values) == _filled(a.values) | {
                k: v
                for k, v in _filled(b.values).items()
                if k == "execution_weight" and "execution_weight" not in a.values
            }
            assert [_filled(i.values) for i in b.indicators] == [
                _filled(i.values) for i in a.indicators
            ]

    check()
