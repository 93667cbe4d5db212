"""One ``storage`` fixture, two back ends: the local file system and an S3-compatible bucket (moto's fake
of the S3 API through django-storages' ``S3Storage``). Tests that take it run once on each."""

import pytest

from tests.wallet.conftest import clock, demo, first_version, people, second_version

__all__ = ["clock", "demo", "first_version", "people", "second_version"]

BUCKET = "motcua-test"


@pytest.fixture(params=["local", "s3"])
def storage(request, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    if request.param == "local":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
        yield "local"
        return
    from moto import mock_aws

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "ap-southeast-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    with mock_aws():
        import boto3

        boto3.client("s3", region_name="ap-southeast-1").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
        )
        # The options of config/settings/base.py when MOTCUA_S3_BUCKET is set.
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "ap-southeast-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": True,
                },
            },
        }
        yield "s3"


def stored_names(kind):
    """Every file name in the current default storage (for counting what was written)."""
    if kind == "local":
        from pathlib import Path

        from django.conf import settings

        root = Path(settings.MEDIA_ROOT)
        return (
            sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
        )
    import boto3

    listing = boto3.client("s3", region_name="ap-southeast-1").list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listing.get("Contents", []))
