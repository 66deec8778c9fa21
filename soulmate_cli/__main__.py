from soulmate_cli.commands import main

raise SystemExit(main())
