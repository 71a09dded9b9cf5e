"""Importing records in bulk from tables: sites, reports, sources and allegations.

fields     the columns each kind reads, and its vocabularies, read off the models
profile    import profiles (TOML) and the flags that add to them
documents  a row through the profile's plan -> a record's document
checks     per kind: new ids, file places, references to check
problems   row problems grouped by field and bad value, each with its fix
pipeline   read, map, check, then write whole through the journal (or a dry run)
starter    `heritage import profile`: a first profile from a file's header and values
"""

from heritage.importing.pipeline import ImportOptions, ImportResult, run_import
from heritage.importing.problems import ProblemGroup, RowsRefused
from heritage.importing.profile import Profile, load_profile, with_flags

__all__ = [
    "ImportOptions",
    "ImportResult",
    "ProblemGroup",
    "Profile",
    "RowsRefused",
    "load_profile",
    "run_import",
    "with_flags",
]
