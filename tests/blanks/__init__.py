"""Real published BLANK forms (labels only, as a province sends them down), one module per form.

Each module holds ``FORM`` (tests/corpus/_build.py: the grid as the office's Excel shows it)
and ``FIELDS``: the header labels a unit's name, department and project go next to, as
printed. There are no values: a blank form has none.
"""

import importlib
import pkgutil

BLANKS = {
    info.name: importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    if not info.name.startswith("_")
}
