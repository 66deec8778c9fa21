from soulmate_core.cli import main

raise SystemExit(main())
