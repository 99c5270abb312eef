"""Security: secrets (TigerGraph password, secret and token, the PostgreSQL state password) never appear in logs at
debug level, in error messages or in run history and dead letters; TLS certificates are verified by default, with a
CA bundle option."""
import datetime
import ipaddress
import socket
import ssl
import threading

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..conftest import free_port
from ..sync.conftest import run_icegraph
from .warehouse import make_warehouse, write_config

PASSWORD = "Pw-7f3a-SECRET"
WRONG_PASSWORD = "Pw-wrong-81c0-SECRET"
WRONG_SECRET = "Sc-wrong-5e12-SECRET"
WRONG_TOKEN = "Tk-wrong-a9d4-SECRET"
PG_PASSWORD = "Pg-0d4e-SECRET"


def with_credential(config, text):
    """The config with the password replaced by `text` (e.g. a secret or token entry)."""
    body = config.read_text().replace('password: "${VAL_TG_PASSWORD}"', text)
    config.write_text(body)
    return config


def test_secrets_never_in_logs_errors_or_history(emulator_factory, postgres_url, tmp_path, monkeypatch):
    emu = emulator_factory("--username", "tigergraph", "--password", PASSWORD, password=PASSWORD)
    wh = tmp_path / "wh"
    wh.mkdir()
    make_warehouse(wh)
    state = postgres_url.replace("postgres@", f"postgres:{PG_PASSWORD}@", 1)
    assert PG_PASSWORD in state
    config = write_config(tmp_path / "icegraph.yaml", wh, emu.url, state, graph="vsec")
    outputs = []

    def run(cfg, *args, code=0):
        out = run_icegraph("--log-level", "debug", *args, config=cfg, check=False)
        assert out.returncode == code, (args, out.stdout, out.stderr)
        outputs.append((args, out.stdout + out.stderr))
        return out

    # Everything goes right, at debug level.
    monkeypatch.setenv("VAL_TG_PASSWORD", PASSWORD)
    for args in (["schema", "--apply"], ["check"], ["plan", "--json"], ["sync"], ["validate"], ["status", "--json"],
                 ["history", "--json"], ["dead-letters", "--export", "jsonl"]):
        run(config, *args)

    # A wrong password: refused with an error that does not show it, and a failed run whose history does not either.
    monkeypatch.setenv("VAL_TG_PASSWORD", WRONG_PASSWORD)
    run(config, "check", code=1)
    run(config, "sync", "--full", "--skip-check", code=1)
    run(config, "validate", code=1)
    assert '"outcome":"failed"' in run(config, "history", "--json").stdout

    # A secret and a token, right and wrong.
    r = requests.post(f"{emu.url}/gsql/v1/secrets", auth=(emu.user, PASSWORD))
    secret = r.json()["secret"]
    r = requests.post(f"{emu.url}/gsql/v1/tokens", json={"graph": "vsec"}, auth=(emu.user, PASSWORD))
    token = r.json()["token"]
    by_secret = with_credential(write_config(tmp_path / "secret.yaml", wh, emu.url, state, graph="vsec"),
                                'secret: "${VAL_TG_SECRET}"')
    by_token = with_credential(write_config(tmp_path / "token.yaml", wh, emu.url, state, graph="vsec"),
                               'token: "${VAL_TG_TOKEN}"')
    monkeypatch.setenv("VAL_TG_SECRET", secret)
    monkeypatch.setenv("VAL_TG_TOKEN", token)
    run(by_secret, "sync", "--full")
    run(by_token, "sync", "--full")
    monkeypatch.setenv("VAL_TG_SECRET", WRONG_SECRET)
    monkeypatch.setenv("VAL_TG_TOKEN", WRONG_TOKEN)
    run(by_secret, "check", code=1)
    run(by_secret, "sync", "--full", "--skip-check", code=1)
    run(by_token, "check", code=1)
    run(by_token, "sync", "--full", "--skip-check", code=1)
    run(config, "history", "--json", "--limit", "100")
    run(config, "dead-letters", "--export", "jsonl")

    # The state database unreachable: its error names the URL with the password masked.
    closed = write_config(tmp_path / "closed.yaml", wh, emu.url,
                          f"postgresql://icegraph:{PG_PASSWORD}@127.0.0.1:{free_port()}/db", graph="vsec")
    run(closed, "history", code=1)
    run(closed, "sync", "--full", "--skip-check", code=1)

    for args, text in outputs:
        for value in (PASSWORD, WRONG_PASSWORD, secret, WRONG_SECRET, token, WRONG_TOKEN, PG_PASSWORD):
            assert value not in text, (args, value, text)
    # The checks above looked at real output: the runs, errors and logs were there.
    assert any("tigergraph.token" in text for _, text in outputs)
    assert any("Unauthorized" in text or "401" in text for _, text in outputs)


# --- TLS -----------------------------------------------------------------------------------------------------------

def self_signed_cert(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TlsProxy:
    """HTTPS on a loopback port with a self-signed certificate, each connection forwarded to a plain-HTTP backend."""

    def __init__(self, backend_port, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.backend_port = backend_port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.accept, daemon=True)]
        self.threads[0].start()

    def accept(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self.serve, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def serve(self, conn):
        conn.settimeout(10)
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):  # the client refused the certificate
            conn.close()
            return
        backend = socket.create_connection(("127.0.0.1", self.backend_port))
        back = threading.Thread(target=self.pipe, args=(backend, tls), daemon=True)
        back.start()
        self.pipe(tls, backend)
        back.join()
        for s in (tls, backend):
            s.close()

    @staticmethod
    def pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def stop(self):
        self.stopped.set()
        self.sock.close()
        for t in self.threads:
            t.join(timeout=10)


def test_tls_verified_by_default_with_ca_bundle_option(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("VAL_TG_PASSWORD", emulator.password)
    wh = tmp_path / "wh"
    wh.mkdir()
    make_warehouse(wh)
    state = f"sqlite:///{tmp_path}/state.db"
    run_icegraph("schema", "--apply", config=write_config(tmp_path / "plain.yaml", wh, emulator.url, state, "vt"))
    cert, key = self_signed_cert(tmp_path)
    proxy = TlsProxy(emulator.port, cert, key)
    try:
        url = f"https://127.0.0.1:{proxy.port}"
        default = write_config(tmp_path / "default.yaml", wh, url, state, "vt")
        out = run_icegraph("check", config=default, check=False)
        assert out.returncode == 1
        # curl's own reason, and what to do about it.
        assert "SSL certificate problem: self-signed certificate" in out.stderr, out.stderr
        assert "give the server's CA as tigergraph.ca_bundle, or set verify_tls: false" in out.stderr, out.stderr

        # ca_bundle relative to the config file's directory, whatever the working directory.
        pass_ca = with_credential(write_config(tmp_path / "ca.yaml", wh, url, state, "vt"),
                                  f'password: "${{VAL_TG_PASSWORD}}", ca_bundle: "{cert.name}"')
        out = run_icegraph("check", config=pass_ca, check=False)
        assert (out.returncode, out.stdout) == (0, "schema of graph vt matches the mapping (1 vertex types, "
                                                   "1 edge types)\n"), out.stderr

        no_verify = with_credential(write_config(tmp_path / "noverify.yaml", wh, url, state, "vt"),
                                    'password: "${VAL_TG_PASSWORD}", verify_tls: false')
        out = run_icegraph("check", config=no_verify, check=False)
        assert out.returncode == 0, out.stderr
        assert "event=tigergraph_tls_unverified" in out.stderr
    finally:
        proxy.stop()
