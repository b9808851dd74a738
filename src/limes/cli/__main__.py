"""``python -m limes.cli``: the same as the ``limes`` command."""

from limes.cli.main import cli

cli(prog_name="limes")
