from allocate.cli import main

raise SystemExit(main())
