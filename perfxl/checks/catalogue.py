"""The findings catalogue, seen from the check stage.

The table itself lives in :mod:`perfxl.core.catalogue`, because every stage reports findings
(the define stage reads no workbook and must not import the checks). This module keeps the
published command that regenerates docs/findings.md::

    python -m perfxl.checks.catalogue > docs/findings.md
"""

from __future__ import annotations

from perfxl.core.catalogue import DOMAIN_CLASSES, RULES, Rule, catalogue_markdown, finding, rule

__all__ = ["DOMAIN_CLASSES", "RULES", "Rule", "catalogue_markdown", "finding", "rule"]


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    print(catalogue_markdown(), end="")
