"""Spreadsheet formula injection: which texts a spreadsheet would run, and how to defuse them.

OWASP's CSV-injection rule: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return may be read as a formula (``=HYPERLINK(…)``, ``=WEBSERVICE(…)``, DDE) by
Excel or LibreOffice. Anything a user typed or a file imported goes through here before it
reaches a cell. Two ways out, one rule:

* XLSX: the text is stored as a string cell with the "quote prefix" style (what Excel does when
  one types ``'=1+1``), so it prints as typed and stays text even when someone edits it —
  see :mod:`bot.reports.cells`;
* CSV (the importer's rejects files), which has no cell types: a leading apostrophe, as OWASP
  recommends; spreadsheets hide it and show the rest as text.
"""

from __future__ import annotations

# The characters OWASP lists (tab and CR included: some programs strip them and then see "=").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """The text as a CSV field that no spreadsheet evaluates: ``'=1+1`` for ``=1+1``."""
    return "'" + text if is_risky(text) else text


__all__ = ["FORMULA_STARTS", "is_risky", "neutralise"]
