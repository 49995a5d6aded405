"""Apple Wallet passes: a `.pkpass` is a zip of `pass.json`, its images, `manifest.json`
(the SHA-1 of every file) and `signature`, a detached PKCS#7 signature of the manifest made
with the pass-type certificate and key, carrying Apple's WWDR intermediate certificate.

The certificate, key and WWDR certificate are PEM files named by the settings
`PERKLINE_PKPASS_CERT`, `PERKLINE_PKPASS_KEY` (`PERKLINE_PKPASS_KEY_PASSWORD` if the key is
encrypted) and `PERKLINE_PKPASS_WWDR`; with the team and pass type ids
(`PERKLINE_PKPASS_TEAM_ID`, `PERKLINE_PKPASS_TYPE_ID`) they make passes possible: without
any of them `configured()` is false and no page offers a pass (journey.md "Carry").
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings

SETTINGS = (
    "PERKLINE_PKPASS_CERT",
    "PERKLINE_PKPASS_KEY",
    "PERKLINE_PKPASS_WWDR",
    "PERKLINE_PKPASS_TEAM_ID",
    "PERKLINE_PKPASS_TYPE_ID",
)


def configured() -> bool:
    return all(getattr(settings, name, "") for name in SETTINGS)


def team_id() -> str:
    return settings.PERKLINE_PKPASS_TEAM_ID


def pass_type_id() -> str:
    return settings.PERKLINE_PKPASS_TYPE_ID


@dataclass(frozen=True)
class Signer:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    wwdr: x509.Certificate


def signer_from_settings() -> Signer:
    password = getattr(settings, "PERKLINE_PKPASS_KEY_PASSWORD", "") or None
    key = serialization.load_pem_private_key(
        Path(settings.PERKLINE_PKPASS_KEY).read_bytes(),
        password=password.encode() if password else None,
    )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("PERKLINE_PKPASS_KEY must be an RSA or EC private key")
    return Signer(
        certificate=x509.load_pem_x509_certificate(
            Path(settings.PERKLINE_PKPASS_CERT).read_bytes()
        ),
        key=key,
        wwdr=x509.load_pem_x509_certificate(Path(settings.PERKLINE_PKPASS_WWDR).read_bytes()),
    )


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in sorted(files.items())},  # noqa: S324 Apple's format
        indent=None,
    ).encode()


def sign(data: bytes, signer: Signer) -> bytes:
    """A detached PKCS#7 (DER) signature of `data` with the signing time, as Wallet wants."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(signer.certificate, signer.key, hashes.SHA256())
        .add_certificate(signer.wwdr)
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def build(pass_json: dict, images: dict[str, bytes], signer: Signer | None = None) -> bytes:
    """The `.pkpass` bytes of `pass_json` with `images` (`icon.png` at least)."""
    files = {"pass.json": json.dumps(pass_json, ensure_ascii=False).encode(), **images}
    the_manifest = manifest(files)
    signature = sign(the_manifest, signer or signer_from_settings())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", the_manifest)
        archive.writestr("signature", signature)
    return out.getvalue()
