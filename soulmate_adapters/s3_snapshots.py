"""The match snapshot as one S3 object (``SOULMATE_INDEX=s3://BUCKET/KEY``): the serverless path.

It speaks the ``Snapshots`` protocol of ``soulmate_core.live`` (``load``, ``save``, ``stamp``):

- **Where.** Region, credentials and endpoint come from the standard AWS environment (e.g.
  ``AWS_REGION``, ``AWS_ENDPOINT_URL_S3``), read by boto3 itself.
- **Stamp.** The object's ETag from HeadObject: it changes whenever different bytes are saved; None
  when there is no object yet.
- **Transfers.** boto3's transfer manager: parallel ranged GETs and a multipart PUT above
  ``PART_BYTES``, since a snapshot of a large population is gigabytes. Every object is written with
  server-side encryption (SSE-S3).
- **Deadlines.** Every request has connect and read timeouts and a bounded number of retries
  (``aws_calls.S3``), so a stalled S3 fails the call instead of holding a Lambda until it is
  killed. Failures become ``StoreError`` naming the object.

boto3 is imported here and in ``dynamodb.py``, nowhere else.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from soulmate_adapters.aws_calls import S3, CallLimits
from soulmate_core.errors import StoreError

SCHEME = "s3://"
PART_BYTES = 64 * 2**20
CONCURRENCY = 8
ENCRYPTION = "AES256"
_MISSING = {"404", "NoSuchKey", "NotFound"}


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://BUCKET/KEY`` -> ``(BUCKET, KEY)``; ``StoreError`` when either is missing."""
    bucket, _, key = url.removeprefix(SCHEME).partition("/")
    if not url.startswith(SCHEME) or not bucket or not key or key.endswith("/"):
        raise StoreError(f"snapshot URL {url!r} must name a bucket and an object: s3://BUCKET/KEY")
    return bucket, key


class S3Snapshots:
    def __init__(
        self,
        bucket: str,
        key: str,
        client: Any = None,
        *,
        connect_seconds: float = S3.connect_seconds,
        read_seconds: float = S3.read_seconds,
        attempts: int = S3.attempts,
        part_bytes: int = PART_BYTES,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.url = f"{SCHEME}{bucket}/{key}"
        config = CallLimits(connect_seconds, read_seconds, attempts).config(pool=CONCURRENCY)
        self._transfer = TransferConfig(
            multipart_threshold=part_bytes, multipart_chunksize=part_bytes, max_concurrency=CONCURRENCY
        )
        with self._errors("connect to"):
            # A session per adapter: boto3's shared default session is not safe across threads.
            self._client = client or boto3.session.Session().client("s3", config=config)

    def load(self) -> bytes | None:
        buffer = io.BytesIO()
        try:
            with self._errors("read"):
                self._client.download_fileobj(self.bucket, self.key, buffer, Config=self._transfer)
        except StoreError as exc:
            if _missing(exc.__cause__):
                return None
            raise
        return buffer.getvalue()

    def save(self, data: bytes) -> None:
        """One object replaced whole: a reader gets the old snapshot or the new one, never half."""
        with self._errors("write"):
            self._client.upload_fileobj(
                io.BytesIO(data),
                self.bucket,
                self.key,
                ExtraArgs={"ServerSideEncryption": ENCRYPTION},
                Config=self._transfer,
            )

    def stamp(self) -> str | None:
        """The object's ETag; None when there is no snapshot yet."""
        try:
            with self._errors("look up"):
                answer = self._client.head_object(Bucket=self.bucket, Key=self.key)
        except StoreError as exc:
            if _missing(exc.__cause__):
                return None
            raise
        return str(answer["ETag"])

    def close(self) -> None:
        self._client.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn boto3 failures into ``StoreError`` naming the object and S3's error code."""
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            raise StoreError(f"cannot {doing} the match snapshot {self.url}: S3 answered {code}") from exc
        except (BotoCoreError, Boto3Error) as exc:
            raise StoreError(f"cannot {doing} the match snapshot {self.url}: {exc}") from exc


def _missing(error: BaseException | None) -> bool:
    return isinstance(error, ClientError) and str(error.response.get("Error", {}).get("Code")) in _MISSING
