"""The app's Jinja environment: Flask's, with templates reading the environment's globals
directly.

Jinja gives each template a `ChainMap` of its own globals (none, for every template here)
over the environment's. Every render copies that map into a new context and lists its keys,
and every `{% from ... import %}` compares those keys with the imported template's, all
through `ChainMap`'s Python methods: some 15 us a render and 25 us an import, on every page.
The app sets its globals once, in `create_app`, before any template is loaded (as Jinja
asks), and gives no template globals of its own, so a template without any reads the
environment's mapping itself; one given its own still gets Jinja's `ChainMap`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class SharedGlobalsEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        if not d:
            return self.globals
        return super().make_globals(d)
