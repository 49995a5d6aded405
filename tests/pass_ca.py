"""A throwaway certificate authority for Apple Wallet pass tests: a root (standing in for
Apple's root), a WWDR intermediate and a pass-type certificate, as PEM files in a folder,
and the settings that name them."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

TEAM_ID = "TEAM123456"
TYPE_ID = "pass.test.perkline.card"


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _cert(subject, subject_key, issuer, issuer_key, *, ca: bool):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_pass_ca(folder: Path) -> dict:
    """Writes root.pem, wwdr.pem, pass.pem, pass.key; answers the settings to use them."""
    root_key, wwdr_key, pass_key = _key(), _key(), _key()
    root = _cert("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    wwdr = _cert("Test WWDR", wwdr_key, "Test Root CA", root_key, ca=True)
    leaf = _cert(f"Pass Type ID: {TYPE_ID}", pass_key, "Test WWDR", wwdr_key, ca=False)
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "root.pem").write_bytes(root.public_bytes(pem))
    (folder / "wwdr.pem").write_bytes(wwdr.public_bytes(pem))
    (folder / "pass.pem").write_bytes(leaf.public_bytes(pem))
    (folder / "pass.key").write_bytes(
        pass_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return {
        "PERKLINE_PKPASS_CERT": str(folder / "pass.pem"),
        "PERKLINE_PKPASS_KEY": str(folder / "pass.key"),
        "PERKLINE_PKPASS_WWDR": str(folder / "wwdr.pem"),
        "PERKLINE_PKPASS_TEAM_ID": TEAM_ID,
        "PERKLINE_PKPASS_TYPE_ID": TYPE_ID,
    }


def verify_with_openssl(pkpass_bytes: bytes, folder: Path) -> str:
    """Unzips the pass into `folder` and runs `openssl smime -verify` on its signature;
    answers openssl's output (raises CalledProcessError when the signature is bad)."""
    import io
    import subprocess
    import zipfile

    out = folder / "unzipped"
    out.mkdir(exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(pkpass_bytes)) as archive:
        archive.extractall(out)
    result = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "smime",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(out / "signature"),
            "-content",
            str(out / "manifest.json"),
            "-CAfile",
            str(folder / "root.pem"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout + result.stderr
