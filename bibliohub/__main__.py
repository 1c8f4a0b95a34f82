from bibliohub.cli import main

raise SystemExit(main())
