"""The "Trust" issue's findings, one file each: every test reproduces an attack and shows it fails."""
