import sys

from trygghet.cli import main

sys.exit(main())
