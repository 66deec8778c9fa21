"""The share card: a PNG of a match ("you & X: 87, you both love …") or of a taste profile.

``layout`` decides what the card says, from core models and names already chosen for showing
(pure, no imaging library); ``draw`` paints it with Pillow, which only the ``card`` and ``app``
extras install, so the base install and the Lambda never import this package.
"""

from soulmate_card.layout import Card, Line, match_card, profile_card

__all__ = ["Card", "Line", "match_card", "profile_card"]
