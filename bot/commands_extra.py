"""Commands that run the app against Slack or look after its data; importing this registers them."""

from __future__ import annotations

import importlib

for _module in ("bot.commands_slack", "bot.commands_data", "bot.commands_jobs"):
    try:
        importlib.import_module(_module)
    except ModuleNotFoundError as exc:  # a module still to be written must not break the others
        if exc.name != _module:
            raise
