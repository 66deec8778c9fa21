"""The serverless API: a thin AWS Lambda edge (Powertools) over ``soulmate_core``'s use cases.

``soulmate_api.handler.handler`` is the Lambda entry point; ``soulmate_api.local`` serves the same
handler over plain HTTP for ``soulmate serve-api``. ``soulmate_api.build_handler.handler`` is the
second function of the same bundle: the scheduled batch build of the match snapshot. Nothing in
``soulmate_core``, ``soulmate_adapters`` or the dashboard imports this package (the import contracts
in pyproject.toml check it).
"""
