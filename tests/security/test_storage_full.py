"""Goal G9: the file store is full. Each upload path says so clearly ("Hệ thống lưu trữ tạm thời không ghi
được tệp…"), changes no row (the file is written before the row, in the same transaction), and leaves no
partial file — with the project's atomic storage and with Django's plain one (which writes in place: the
store removes what it half wrote) — and an S3 bucket that refuses the write is the same."""

from __future__ import annotations

import errno

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from motcua.core.blobs import StorageUnavailable, put_blob
from motcua.core.storage import AtomicFileSystemStorage

from .test_upload_corpus import changed, db_state
from .uploads.corpus import Part
from .uploads.entry_points import ENTRY_POINTS, api_error, shown

pytestmark = pytest.mark.django_db

MESSAGE = str(StorageUnavailable().message)


class _HalfThenFull:
    """Content that yields half of its bytes, then fails the way a write to a full disk does."""

    def __init__(self, content):
        self.content = content
        self.size = getattr(content, "size", None)
        self.name = getattr(content, "name", None)

    def chunks(self, chunk_size=None):
        if hasattr(self.content, "seek"):
            self.content.seek(0)
        data = self.content.read()
        yield data[: max(1, len(data) // 2)]
        raise OSError(errno.ENOSPC, "No space left on device")

    def seek(self, *_args):
        return 0


class FullDiskAtomicStorage(AtomicFileSystemStorage):
    def _save(self, name, content):
        return super()._save(name, _HalfThenFull(content))


class FullDiskPlainStorage(FileSystemStorage):
    """Django's own storage, which writes straight into the final name."""

    def _save(self, name, content):
        return super()._save(name, _HalfThenFull(content))


@pytest.fixture(params=["atomic", "plain"])
def full_disk(request, settings):
    """Call it to fill the disk (after setting up what the test needs)."""
    backend = FullDiskAtomicStorage if request.param == "atomic" else FullDiskPlainStorage

    def fill() -> None:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}"},
        }

    return fill


def test_the_atomic_storage_leaves_no_partial_file(settings, folders, full_disk):
    data = b"%PDF-1.4 " + bytes(range(256)) * 64
    full_disk()
    with pytest.raises(StorageUnavailable) as caught:
        put_blob(data, extension="pdf")
    assert caught.value.code == "storage_unavailable" and caught.value.http_status == 503
    assert str(caught.value).startswith("Hệ thống lưu trữ tạm thời không ghi được tệp")
    assert folders.files() == (frozenset(), frozenset())


def test_a_damaged_copy_from_before_is_written_again(settings, folders):
    """A file cut short by a crash (before the store was atomic) is not taken for the stored bytes."""
    data = b"%PDF-1.4 " + bytes(range(256)) * 64
    blob = put_blob(data, extension="pdf")
    path = folders.media / blob.name
    path.write_bytes(data[:100])
    assert put_blob(data, extension="pdf") == blob
    assert path.read_bytes() == data


def test_atomic_storage_keeps_djangos_naming(settings, folders):
    storage = AtomicFileSystemStorage(location=str(folders.media))
    first = storage.save("plan/x.pdf", ContentFile(b"one"))
    second = storage.save("plan/x.pdf", ContentFile(b"two"))  # a taken name gets an alternative, as Django's
    assert first == "plan/x.pdf" and second != first and second.startswith("plan/x_")
    assert storage.open(first).read() == b"one" and storage.open(second).read() == b"two"
    assert sorted(p.name for p in (folders.media / "plan").iterdir()) == sorted([first[5:], second[5:]])


def test_the_default_storage_is_the_atomic_one():
    default_storage.exists("x")
    assert isinstance(default_storage._wrapped, AtomicFileSystemStorage)


@pytest.mark.parametrize("entry", [e for e in ENTRY_POINTS if e.family in ("document", "signed")], ids=str)
def test_every_upload_path_says_the_store_is_full_and_changes_nothing(entry, env, folders, full_disk):
    target = entry.prepare(env)
    full_disk()
    before_db, (media_before, spool_before) = db_state(entry.ignore_models), folders.files()
    name, content, content_type = entry.positive(f"full-{entry.id}")
    response = entry.post(target, [Part(entry.file_field, name, content, content_type)])
    assert response.status_code in (400, 422, 503), (response.status_code, response.content[:400])
    if entry.api:
        assert response.status_code == 503
        assert api_error(response) == {"code": "storage_unavailable", "message": MESSAGE}
    else:
        assert shown(response, MESSAGE), response.content.decode()[:2000]
    assert not changed(before_db, db_state(entry.ignore_models))
    media, spool = folders.files()
    assert media == media_before, f"left in storage: {sorted(media - media_before)}"
    assert spool == spool_before


def test_a_bucket_that_refuses_the_write(env, folders, settings, monkeypatch):
    """An S3-compatible bucket that cannot be written (here: it does not exist) is a clear error too."""
    from moto import mock_aws

    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "ap-southeast-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    with mock_aws():
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": "khong-ton-tai", "region_name": "ap-southeast-1",
                            "access_key": "testing", "secret_key": "testing", "file_overwrite": True},
            },
        }  # fmt: skip
        entry = next(e for e in ENTRY_POINTS if e.id == "api-component")
        target = entry.prepare(env)
        before = db_state()
        name, content, content_type = entry.positive("bucket")
        response = entry.post(target, [Part(entry.file_field, name, content, content_type)])
        assert response.status_code == 503
        assert api_error(response)["code"] == "storage_unavailable"
        assert not changed(before, db_state())
