"""heritage: a sourced, append-only catalogue of heritage sites in conflict zones."""

__version__ = "0.1.0"
