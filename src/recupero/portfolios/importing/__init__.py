"""The import engine ("Interexchange"): creditor files in.

``start_import`` takes a file in for a creditor and one of its profiles;
``run_import`` does the work. See ``mapping`` for the profile format.
"""

from recupero.portfolios.importing.jobs import run_import, start_import, summary

__all__ = ["run_import", "start_import", "summary"]
