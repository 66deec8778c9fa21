"""The dashboard's pages, run by path from ``dashboard.py``: a package only for the import contracts."""
