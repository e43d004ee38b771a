"""``python -m bot`` — the same as the ``hoagiai`` command."""

from bot.cli import main

raise SystemExit(main())
