import sys

from clushell.cli import main

sys.exit(main())
