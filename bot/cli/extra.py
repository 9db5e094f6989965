"""Commands that run the app against Slack or look after its data; importing this registers them."""

from __future__ import annotations

import importlib

for _module in ("bot.cli.slack", "bot.cli.data", "bot.cli.jobs"):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as exc:  # a module still to be written must not break the others
        if exc.name != _module:
            raise
