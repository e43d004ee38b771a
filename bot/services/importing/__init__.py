"""Bulk import of communes, teams and people from CSV or XLSX files (``hoagiai import``).

One module per job: ``tables`` reads a file and maps its header to fields, ``rows`` reads and
checks a row's cells, ``places`` finds the communes and teams a row names, ``units``, ``teams``
and ``people`` check and write each kind of file, ``rejects`` saves the rows left out,
``report`` says what an import found and did, and ``run`` puts these together.
"""

from bot.services.importing.places import CommuneIndex, TeamIndex
from bot.services.importing.rejects import default_rejects_path, write_rejects
from bot.services.importing.report import ImportAborted, ImportKind, ImportReport, Problem
from bot.services.importing.run import COLUMNS, ImportOptions, run_import
from bot.services.importing.tables import SourceRow, map_header, read_table
from bot.services.importing.units import bundled_communes

__all__ = [
    "COLUMNS",
    "CommuneIndex",
    "ImportAborted",
    "ImportKind",
    "ImportOptions",
    "ImportReport",
    "Problem",
    "SourceRow",
    "TeamIndex",
    "bundled_communes",
    "default_rejects_path",
    "map_header",
    "read_table",
    "run_import",
    "write_rejects",
]
