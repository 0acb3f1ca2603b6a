"""Every ``recupero`` command answers ``--help`` from a fresh interpreter.

Run in a subprocess because the order in which a command first imports the
apps is its own: a cycle between them shows only when that command's
module is the first to load, never inside a test run that loaded them all.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import recupero

COMMANDS = sorted(
    path.stem
    for path in Path(recupero.__file__).parent.glob("*/management/commands/*.py")
    if path.stem != "__init__"
)


def test_the_commands_are_found():
    assert {"import", "cycle", "quote", "slip", "reverse_payment"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_answers_help(command, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "recupero.cli", command, "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage: recupero" in done.stdout
