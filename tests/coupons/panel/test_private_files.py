"""Uploaded and generated files are private (quality.md R12): kept outside MEDIA_ROOT under
unguessable names, and handed out only by the job's views after the business and role checks."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.files import check_private_root, private_storage
from coupons.models import CodeJob
from loyalty.models import Membership
from tests.factories import BusinessFactory, CouponSeriesFactory, ProgramFactory
from tests.loyalty.panel.conftest import logged_in, member

pytestmark = pytest.mark.django_db

CODES = b"code\nAAAA-1111\nx!\n"  # one good line, one rejected


@pytest.fixture
def imported(program, coupon_rule):
    return CouponSeriesFactory(
        program=program, reward_rule=coupon_rule, code_mode="imported", inventory=0
    )


def _url(name, pk):
    return reverse(f"panel:{name}", kwargs={"pk": pk})


@pytest.fixture
def job(owner_client, imported, django_capture_on_commit_callbacks):
    """An import uploaded through the panel, run, with a rejected-lines file."""
    upload = SimpleUploadedFile("codes.csv", CODES, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(_url("series_import", imported.pk), {"files": [upload]})
    job = CodeJob.objects.get()
    assert job.state == CodeJob.State.DONE and job.rejected_file
    return job


def _stored(field, settings):
    """Where the file is on disk, and whether that is under MEDIA_ROOT."""
    path = Path(field.path).resolve()
    return path, Path(settings.MEDIA_ROOT).resolve() in path.parents


def test_uploads_and_reports_live_outside_media_under_unguessable_names(job, settings):
    business = job.business_id
    assert re.fullmatch(rf"imports/{business}/[0-9a-f]{{32}}/codes\.csv", job.source.name)
    assert re.fullmatch(rf"rejected/{business}/[0-9a-f]{{32}}/rejected-{job.pk}\.csv",
                        job.rejected_file.name)  # fmt: skip
    for field in (job.source, job.rejected_file):
        path, in_media = _stored(field, settings)
        assert path.is_file() and not in_media
        assert Path(settings.PERKLINE_PRIVATE_ROOT).resolve() in path.parents
        assert not default_storage.exists(field.name)  # nothing a media server could serve
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))


def test_two_uploads_of_one_name_share_nothing_guessable(job, owner_client, imported):
    upload = SimpleUploadedFile("codes.csv", CODES, content_type="text/csv")
    owner_client.post(_url("series_import", imported.pk), {"files": [upload]})
    names = [j.source.name for j in CodeJob.objects.order_by("pk")]
    assert len(set(names)) == 2 and names[0].split("/")[2] != names[1].split("/")[2]


def test_the_job_page_shows_the_original_name_only(job, owner_client):
    html = owner_client.get(_url("code_job", job.pk)).content.decode()
    assert "codes.csv" in html and job.source.name not in html


def test_a_private_file_has_no_url(job):
    with pytest.raises(ValueError, match="private file"):
        job.rejected_file.url  # noqa: B018


def test_the_owner_downloads_the_rejected_lines(job, owner_client):
    response = owner_client.get(_url("code_job_rejected", job.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().splitlines()[0] == "line,code,reason"


def test_nobody_else_gets_the_file(job, business, settings):
    url = _url("code_job_rejected", job.pk)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert Client().get(settings.MEDIA_URL + job.rejected_file.name).status_code == 404
    assert Client().get(settings.MEDIA_URL + job.source.name).status_code == 404

    other = ProgramFactory(business=BusinessFactory(name="Other")).business
    stranger = logged_in(member(other, Membership.OWNER, "other-owner@example.com"))
    for name in ("code_job_rejected", "code_job", "code_job_progress"):
        assert stranger.get(_url(name, job.pk)).status_code == 404
    cashier = logged_in(member(business, Membership.CASHIER, "till@example.com"))
    assert cashier.get(url).status_code == 403


def test_files_of_earlier_versions_move_out_of_media(settings, program):
    """Migration 0011 moves a job's files from MEDIA_ROOT to the private storage."""
    series = CouponSeriesFactory(program=program, code_mode="imported")
    job = CodeJob.objects.create(business=program.business, series=series, kind="import")
    default_storage.save("imports/codes.csv", ContentFile(b"code\nAAAA1111\n"))
    CodeJob.objects.filter(pk=job.pk).update(
        source="imports/codes.csv", rejected_file="imports/rejected-gone.csv"
    )
    migration = importlib.import_module("coupons.migrations.0011_private_job_files")
    migration.move_to_private_storage(apps, None)

    job.refresh_from_db()
    assert job.source.name.startswith(f"imports/{program.business_id}/")
    assert private_storage().open(job.source.name).read() == b"code\nAAAA1111\n"
    assert not default_storage.exists("imports/codes.csv")
    assert job.rejected_file.name == ""  # its file was already gone: nothing to point at


def test_the_system_check_refuses_a_private_folder_inside_media(settings, tmp_path):
    assert check_private_root() == []
    settings.PERKLINE_PRIVATE_ROOT = Path(settings.MEDIA_ROOT) / "private"
    assert [e.id for e in check_private_root()] == ["core.E010"]
