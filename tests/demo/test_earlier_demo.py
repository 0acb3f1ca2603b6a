"""A database loaded by an earlier demo is refused with what to do."""

import pytest
from django.core.management import CommandError, call_command

from recupero.demo.fixtures import load_demo_parameters
from recupero.portfolios.models import Account, ImportJob

pytestmark = pytest.mark.django_db


def test_a_database_of_the_september_only_demo_is_refused(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    setup = load_demo_parameters()
    # The earlier demo's profile read the older statements as columns.
    setup.profile.history = [{"column": "saldo_08_2005", "as_of": "2005-08-31"}]
    setup.profile.save()

    with pytest.raises(CommandError, match="make clean"):
        call_command("demo", "--no-serve")

    assert not ImportJob.objects.exists()
    assert not Account.objects.exists()
