from finfacts.cli import main

raise SystemExit(main())
