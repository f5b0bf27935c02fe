"""plankb's Datasette plugin: Chinese full-text search on the table pages
(`search.py`) and the pages that show each value in its source (`source.py`:
`/-/source/{value_id}`, `/-/review/{document_id}`).

`plankb.serve.make_datasette` calls `register()` before it creates the
Datasette instance. The plugin is this package, registered with Datasette's
plugin manager under the name `plankb`, so that its `templates/` folder is on
Datasette's template path (Datasette looks for a plugin's templates in the
package the plugin is).
"""

from __future__ import annotations

import sys

from datasette.plugins import pm

from plankb.plugins.search import filters_from_request, prepare_connection
from plankb.plugins.source import register_routes, render_cell

__all__ = ["filters_from_request", "prepare_connection", "register", "register_routes", "render_cell"]


def register() -> None:
    """Register the plugin with Datasette (once per process: Datasette's
    plugin manager is global)."""
    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin):
        pm.register(plugin, name="plankb")
