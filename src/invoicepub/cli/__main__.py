"""``python -m invoicepub.cli``: the ``invoices`` command."""

import sys

from . import main


sys.exit(main())
