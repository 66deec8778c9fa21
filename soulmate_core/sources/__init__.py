"""Turn what people bring (Spotify API payloads, data exports, listening tables) into profiles."""
