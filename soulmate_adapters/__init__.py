"""Adapters to the world outside the pure core, each importing its library at load:

- ``dynamodb``: the DynamoDB store (boto3), and ``parallel_scan``, its parallel Scan segments;
- ``s3_snapshots``: the match snapshot kept in S3 (boto3);
- ``spotify_client``: the Spotify Web API client (spotipy, requests).

Import the module you need; this package itself loads none of them. ``open_store(url)`` turns a
store URL into an adapter, ``open_index`` a store and a snapshot location into a match index.
"""

from soulmate_adapters.stores import open_store

__all__ = ["open_store"]
