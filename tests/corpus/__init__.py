"""Real published performance forms rebuilt as test data, one module per form.

Each module holds ``FORM`` (the grid as the unit's own Excel shows it) and ``EXPECTED`` (what a
reader must find in it, published text only). See tests/test_corpus_build.py for the checks
that keep both honest.
"""

import importlib
import pkgutil

# every module of this folder but the builder: adding a form is adding its file
FORMS = {
    info.name: importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    if not info.name.startswith("_")
}
