"""Fixtures shared by the whole suite."""

from collections.abc import Callable
from pathlib import Path

import pytest

from recupero.portfolios.actions import create_creditor
from recupero.portfolios.importing import start_import
from recupero.portfolios.models import Creditor, ImportJob, ImportProfile


@pytest.fixture
def creditor(db) -> Creditor:
    """A creditor with the default stages, time zone Buenos Aires, no grace."""
    return create_creditor(code="acme", name="ACME Tarjetas")


@pytest.fixture
def other_creditor(db) -> Creditor:
    """A second creditor, for checks that one never sees the other's data."""
    return create_creditor(code="globex", name="Globex Préstamos")


# -- imports ---------------------------------------------------------------


@pytest.fixture
def make_profile(creditor) -> Callable[..., ImportProfile]:
    """Return a maker of import profiles of ``creditor``.

    ``make_profile(account_number="cuenta", balance="saldo", ...)`` maps
    each field to the column of that name; ``options`` sets other
    profile fields (``kind``, ``encoding``, ``decimal_separator``, …).
    """

    def make(name: str = "cartera", options: dict | None = None, **columns):
        return ImportProfile.objects.create(
            creditor=creditor, name=name, columns=columns, **(options or {})
        )

    return make


@pytest.fixture
def import_file(tmp_path, creditor) -> Callable[..., ImportJob]:
    """Return a function that writes a file and imports it at once.

    ``import_file(profile, data, name="cartera.csv")`` takes ``data`` as
    bytes (written as is) or text (written as UTF-8).
    """

    def run(profile: ImportProfile, data: bytes | str, name: str = "cartera.csv", **kw):
        path = Path(tmp_path) / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return start_import(
            creditor=profile.creditor, profile=profile, source=path, run_now=True, **kw
        )

    return run
