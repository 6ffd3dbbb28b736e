"""The local page: perfxl for people who work in Excel or WPS and a browser, never a terminal.

``perfxl ui`` (or the ``perfxl-ui`` program a desktop shortcut starts) serves a few pages on
127.0.0.1 and opens them in the default browser: 发表 (blank forms for a roster), 收表 (upload
returns, the round's table, each unit's findings), 汇总 (merge, totals, charts). Every page calls
:mod:`perfxl.api` and nothing else; the round is a folder on disk (:mod:`perfxl.ui.rounds`), so
the command line sees exactly what the page shows. Everything the page needs ships in this
package (``templates/``, ``static/``): it works with no network at all.

- :mod:`perfxl.ui.app` — the Flask application and its routes
- :mod:`perfxl.ui.security` — LAN token, CSRF, upload names
- :mod:`perfxl.ui.jobs` — long batches in a background thread, with progress and cancel
- :mod:`perfxl.ui.svg` — the inline SVG charts
- :mod:`perfxl.ui.server` — start the server, print the address, open the browser
"""

from __future__ import annotations
