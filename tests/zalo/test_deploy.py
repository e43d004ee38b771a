"""deploy/nginx-webhook.conf routes each webhook and the file links to the port the bot listens
on by default, and (where nginx is installed) is a valid nginx configuration."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.channels.zalo.files import PATH_PREFIX
from bot.config import Settings

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx-webhook.conf"


def _locations() -> dict[str, str]:
    """Each ``location`` of the TLS server with its block's text (blocks nest one level)."""
    text = CONF.read_text("utf-8")
    found = {}
    for match in re.finditer(r"location\s+(=\s*)?(\S+)\s*\{", text):
        depth, at = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[at], 0)
            at += 1
        found[match.group(2)] = text[match.end() : at]
    return found


def _upstream_servers(name: str) -> list[str]:
    """The active (not commented) ``server`` lines of upstream ``name``."""
    text = CONF.read_text("utf-8")
    block = re.search(r"upstream\s+" + name + r"\s*\{(.*?)\}", text, re.S)
    assert block is not None, f"no upstream {name}"
    return re.findall(r"^\s*server\s+(\S+)", block.group(1), re.M)


def test_zalo_webhook_and_file_links_go_to_the_zalo_port() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    locations = _locations()
    zalo = "proxy_pass http://hoagiai_zalo;"
    assert _upstream_servers("hoagiai_zalo") == [f"127.0.0.1:{defaults.zalo_webhook_port}"]
    assert zalo in locations["/zalo"] and "limit_except POST" in locations["/zalo"]
    assert zalo in locations[PATH_PREFIX] and "limit_except GET" in locations[PATH_PREFIX]
    # Passed on unchanged (no URI part after the address) and logged without the signature.
    assert "hoagiai_files" in locations[PATH_PREFIX]
    assert "proxy_pass http://hoagiai_telegram;" in locations["/telegram"]
    assert _upstream_servers("hoagiai_telegram") == [f"127.0.0.1:{defaults.telegram_webhook_port}"]


def test_a_webhook_call_a_process_dropped_goes_to_the_next_process() -> None:
    # Several processes on PostgreSQL: a retried POST is safe (de-duplicated by update id).
    locations = _locations()
    for path in ("/telegram", "/zalo"):
        assert "proxy_next_upstream error timeout http_502 http_503 non_idempotent;" in locations[path]
    text = CONF.read_text("utf-8")
    assert "# server 127.0.0.1:8453" in text and "# server 127.0.0.1:8454" in text


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=t",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = (
        CONF.read_text("utf-8")
        .replace("/etc/letsencrypt/live/bot.example.gov.vn/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/letsencrypt/live/bot.example.gov.vn/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/log/nginx/", f"{tmp_path}/")
    )
    (tmp_path / "site.conf").write_text(site, "utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp_path}/access.log;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n",
        "utf-8",
    )
    checked = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
