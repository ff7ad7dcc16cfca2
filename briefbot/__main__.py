import sys

from briefbot.cli import main

sys.exit(main())
