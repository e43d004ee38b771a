"""Telegram channel on python-telegram-bot v22.

One file per concern: ``adapter`` (update → Inbound), ``render`` (Reply → Bot API calls),
``channel`` (the handlers), ``transport`` (retries), ``errors`` (the error handler) and
``run`` (polling or webhook, shutdown). Tests replay recorded payloads from
``tests/telegram/testdata``.
"""
