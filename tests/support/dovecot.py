"""A throwaway Dovecot IMAP server on loopback (reference/mail-testing.md §2).

    server = start_dovecot({"alice@example.test": "alice-pw"}, tls=self_signed(["127.0.0.1"]),
                           oauth_tokeninfo_url="http://127.0.0.1:PORT/tokeninfo?access_token=")
    server.port, server.tls_port           # IMAP (STARTTLS offered) and IMAPS
    server.drop("alice@example.test", raw)                   # deliver into INBOX (Maildir)
    server.drop("alice@example.test", raw, folder="Sent")    # file a copy in Sent
    server.stop()

Runs as a child process with its own base_dir, passwd-file users and Maildir storage. As root it
uses `nobody` for the login and mail processes (Dovecot refuses root for both). Users may also log
in with XOAUTH2: Dovecot's oauth2 passdb asks `oauth_tokeninfo_url` about the bearer token, so the
token is checked by a real server against the test's OAuth endpoint.
"""

from __future__ import annotations

import grp
import mailbox
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path

from tests.support.processes import free_port

FOLDERS = ("Sent", "Junk")

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = test-dovecot-{port}
protocols = imap
listen = {host}
auth_mechanisms = plain login xoauth2 oauthbearer
disable_plaintext_auth = no
default_login_user = {login_user}
default_internal_user = {login_user}
default_internal_group = {login_group}
mail_location = {mail_format}:{root}/mail/%u
first_valid_uid = 0
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Junk {{
    special_use = \\Junk
    auto = subscribe
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
{oauth_passdb}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    address = {host}
    port = {tls_port}
    ssl = yes
  }}
}}
{ssl}
{lmtp}
"""

LMTP = """\
protocols = $protocols lmtp
service lmtp {{
  inet_listener lmtp {{
    address = {host}
    port = {lmtp_port}
  }}
}}
protocol lmtp {{
  mail_plugins = $mail_plugins sieve
  postmaster_address = postmaster@example.test
}}
plugin {{
  sieve = file:{root}/sieve/%u;active={root}/sieve/%u/active.sieve
}}
submission_host = 127.0.0.1:{relay_port}
"""

OAUTH_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""


@dataclass
class Dovecot:
    host: str
    port: int
    tls_port: int
    root: Path
    users: dict[str, str]
    process: subprocess.Popen[bytes]
    mail_uid: int
    mail_gid: int
    started_in: float
    delivered: list[tuple[str, str]] = field(default_factory=list)
    lmtp_port: int | None = None

    def set_sieve(self, user: str, script: str) -> None:
        """Install `script` as the user's active Sieve script (vacation, reject, ...)."""
        folder = self.root / "sieve" / user
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "active.sieve").write_text(script)
        for path in (self.root / "sieve", folder, folder / "active.sieve"):
            os.chown(path, self.mail_uid, self.mail_gid)

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def drop(
        self, user: str, raw: bytes, folder: str = "INBOX", when: datetime | None = None
    ) -> None:
        """Deliver `raw` into the user's folder (LF line ends, the Maildir norm). `when` sets the
        file time, which Dovecot reports as the message's INTERNALDATE (its arrival)."""
        box = mailbox.Maildir(self.maildir(user, folder), factory=None, create=False)
        key = box.add(raw.replace(b"\r\n", b"\n"))
        path = self.maildir(user, folder) / "new" / key
        if when is not None:
            os.utime(path, (when.timestamp(), when.timestamp()))
        os.chown(path, self.mail_uid, self.mail_gid)
        self.delivered.append((user, folder))

    def add_user(self, user: str, password: str) -> None:
        self.users[user] = password
        _make_maildirs(self.root, user, self.mail_uid, self.mail_gid)
        _write_users(self.root, self.users)

    def log_tail(self, lines: int = 30) -> str:
        path = self.root / "dovecot.log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # a throwaway instance: no graceful stop
            self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)


def dovecot_available() -> bool:
    return shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists()


def _identities() -> tuple[str, str, int, int]:
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        return "nobody", grp.getgrgid(user.pw_gid).gr_name, user.pw_uid, user.pw_gid
    user = pwd.getpwuid(os.geteuid())
    return user.pw_name, grp.getgrgid(user.pw_gid).gr_name, user.pw_uid, user.pw_gid


def _make_maildirs(root: Path, user: str, uid: int, gid: int) -> None:
    home = root / "mail" / user
    for folder in (home, *(home / f".{name}" for name in FOLDERS)):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    for path in [home, *home.rglob("*")]:
        os.chown(path, uid, gid)
    os.chown(root / "mail", uid, gid)


def _write_users(root: Path, users: dict[str, str]) -> None:
    lines = [f"{user}:{{PLAIN}}{password}" for user, password in users.items()]
    (root / "users").write_text("\n".join(lines) + "\n")


def _wait_for_greeting(host: str, port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1) as sock:
                if sock.recv(200).startswith(b"* OK"):
                    return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def start_dovecot(
    users: dict[str, str],
    *,
    tls: tuple[bytes, bytes] | None = None,
    oauth_tokeninfo_url: str | None = None,
    host: str = "127.0.0.1",
    mail_format: str = "maildir",
    relay_port: int | None = None,
) -> Dovecot:
    """Start Dovecot on free ports; `tls` = (certificate PEM, key PEM) enables STARTTLS + IMAPS.

    `mail_format="mdbox"` stores mail indexed, as a provider does (benchmarks; `drop` then does
    not apply: deliver with IMAP APPEND). `relay_port` turns on LMTP delivery with Sieve: the
    server's own vacation replies and rejections go out to 127.0.0.1:relay_port over SMTP."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    # mkdtemp + 0755: the unprivileged auth and mail processes must traverse every parent dir.
    root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
    root.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    login_user, login_group, uid, gid = _identities()
    _write_users(root, users)
    for user in users:
        _make_maildirs(root, user, uid, gid)
    port, tls_port = free_port(host), free_port(host)
    ssl = "ssl = no"
    if tls is not None:
        (root / "cert.pem").write_bytes(tls[0])
        (root / "key.pem").write_bytes(tls[1])
        ssl = f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"
    lmtp_port = free_port(host) if relay_port else None
    lmtp = ""
    if relay_port:
        lmtp = LMTP.format(host=host, lmtp_port=lmtp_port, root=root, relay_port=relay_port)
    oauth_passdb = ""
    if oauth_tokeninfo_url:
        (root / "oauth2.conf.ext").write_text(
            f"tokeninfo_url = {oauth_tokeninfo_url}\n"
            "username_attribute = email\n"
            "active_attribute = active\n"
            "active_value = true\n"
        )
        oauth_passdb = OAUTH_PASSDB.format(root=root)
    conf = root / "dovecot.conf"
    conf.write_text(
        CONFIG.format(
            root=root,
            host=host,
            port=port,
            tls_port=tls_port if tls is not None else 0,
            login_user=login_user,
            login_group=login_group,
            mail_uid=uid,
            mail_gid=gid,
            ssl=ssl,
            oauth_passdb=oauth_passdb,
            mail_format=mail_format,
            lmtp=lmtp,
        )
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = Dovecot(host, port, tls_port, root, dict(users), process, uid, gid, 0.0)
    server.lmtp_port = lmtp_port
    if not _wait_for_greeting(host, port, time.monotonic() + 10):
        tail = server.log_tail()
        err = process.stderr.read().decode() if process.poll() is not None else ""
        server.stop()
        raise RuntimeError(f"Dovecot did not start:\n{err}\n{tail}")
    server.started_in = time.monotonic() - started
    return server
