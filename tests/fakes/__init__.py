"""Local stand-ins that speak the real protocols of services we cannot reach from here."""
