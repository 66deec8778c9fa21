"""The dashboard's pages, by path, so pages can link to each other without importing each other."""

from __future__ import annotations

CONNECT = "pages/connect.py"
MY_TASTE = "pages/my_taste.py"
SOULMATES = "pages/soulmates.py"
COMPARE = "pages/compare.py"
GROUP = "pages/group.py"
TASTE_MAP = "pages/taste_map.py"
PRIVACY = "pages/privacy.py"

COMPARE_URL = "compare"
"""The Compare page's URL path: a share link is it with ``?share=CODE``."""

# (path, title, icon, url path)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    (CONNECT, "Connect", ":material/login:", "connect"),
    (MY_TASTE, "My taste", ":material/graphic_eq:", "my-taste"),
    (SOULMATES, "Soulmates", ":material/favorite:", "soulmates"),
    (COMPARE, "Compare", ":material/compare_arrows:", COMPARE_URL),
    (GROUP, "Group blend", ":material/groups:", "group"),
    (TASTE_MAP, "Taste map", ":material/scatter_plot:", "taste-map"),
    (PRIVACY, "Privacy & data", ":material/shield_person:", "privacy"),
)
