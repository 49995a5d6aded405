"""Background jobs of gift certificates (django-q2)."""

from core import jobs

from .models import CertificateCodeJob
from .services import generate_certificate_codes


def run_code_batch(job_id: int) -> None:
    job = CertificateCodeJob.objects.select_related("certificate").get(pk=job_id)
    params = job.params
    jobs.run(
        job,
        lambda job: generate_certificate_codes(
            certificate=job.certificate,
            count=params["count"],
            prefix=params.get("prefix", ""),
            length=params.get("length", 10),
            group=params.get("group", 4),
            job=job,
        ),
    )
