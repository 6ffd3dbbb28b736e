"""Render a layout's templates into placed sheet descriptions.

The one place that turns a project (or a cover, a guide) into a :class:`SheetSpec`: the writer
fills the placed cells with values; the reader renders a reference project once per layout to
learn which label stands beside each field. Neither needs the other.
"""

from __future__ import annotations

from typing import Any

import jinja2

from perfxl.core.errors import TemplateError
from perfxl.define.model import Document, Indicator, Project, indicator_rows
from perfxl.layout.sheetnames import COVER_SHEET, GUIDE_SHEET, META_SHEET  # noqa: F401 (re-exported)
from perfxl.layout.sheetspec import IndicatorShape, SheetSpec, spec_from_text
from perfxl.layout.templates import TemplateSet


def render(
    templates: TemplateSet,
    template_name: str,
    context: dict[str, Any],
    shape: IndicatorShape | None = None,
) -> SheetSpec:
    """The placed description that template ``template_name`` renders for ``context``."""
    try:
        text = templates.template(template_name).render(**context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{template_name}：错误：模板渲染失败：{exc}") from None
    return spec_from_text(text, template_name, shape)


def project_spec(
    templates: TemplateSet, doc: Document, project: Project, merge_levels: bool = True
) -> SheetSpec:
    """The placed sheet description of one project of ``doc``."""
    layout = doc.layout
    rows = indicator_rows(project, layout, merge_levels)
    level_keys = [c.key for c in layout.indicators.level_columns]
    # An indicator table keeps at least one row: a form with nowhere to type an indicator is
    # no form, and the layouts' formulas over an indicator column need a range to refer to.
    blank = doc.blank_rows if rows or doc.blank_rows else 1
    shape = IndicatorShape(
        spans=tuple(tuple((k, row["span"][k]) for k in level_keys) for row in rows),
        blank=blank,
    )
    return render(
        templates,
        layout.sheet_template,
        {
            "doc": doc,
            "layout": layout,
            "framework": doc.framework,
            "p": project.values,
            "project": project,
            "indicator_rows": rows,
            "blank_rows": blank,
            "money_unit": doc.money_unit,
            "year": doc.year,
        },
        shape,
    )


def reference_spec(templates: TemplateSet, layout_id: str) -> SheetSpec:
    """A layout's project sheet as rendered for one empty indicator and no empty rows: where
    each field sits relative to its labels, whatever the values."""
    layout = templates.layout(layout_id)
    doc = Document(
        path="",
        layout=layout,
        framework=templates.framework(layout.framework),
        year=2000,
        money_unit=layout.money_unit,
        title=None,
        projects=[Project(values={}, indicators=[Indicator(values={})])],
        blank_rows=0,
    )
    return project_spec(templates, doc, doc.projects[0])
