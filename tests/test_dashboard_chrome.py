"""Streamlit's own chrome: no Deploy button and the real upload limit, whichever way the
dashboard starts — `microcare dashboard` passes options, `streamlit run` from the checkout
reads .streamlit/config.toml — and the upload box states the limit the app enforces."""

from __future__ import annotations

import tomllib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import state as S
from sim import cli
from tests.test_dashboard import APP, ROOT, TIMEOUT


def test_the_cli_and_the_config_file_set_the_same_options() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    from_file = {
        f"--{section}.{key}={str(value).lower() if isinstance(value, bool) else value}"
        for section, values in config.items()
        for key, value in values.items()
    }
    assert from_file == set(cli.DASHBOARD_OPTIONS)
    assert "--client.toolbarMode=minimal" in from_file
    assert f"--server.maxUploadSize={S.MAX_UPLOAD_MB}" in from_file


def test_the_dashboard_command_passes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def execv(_path: str, command: list[str]) -> None:
        started.append(command)

    monkeypatch.setattr(cli.os, "execv", execv)
    cli.dashboard(port=8599, address="localhost", browser=False)
    assert started and set(cli.DASHBOARD_OPTIONS) <= set(started[0])


def test_the_upload_box_states_the_limit_the_app_enforces() -> None:
    # Streamlit's default server limit, as when started from a folder without the config
    # file: the box sets its own limit
    before = st.config.get_option("server.maxUploadSize")
    st.config.set_option("server.maxUploadSize", 200)
    try:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        at.switch_page("pages/1_Plan.py").run()
    finally:
        st.config.set_option("server.maxUploadSize", before)
    box = at.get("file_uploader")[0]
    assert box.proto.max_upload_size_mb == S.MAX_UPLOAD_MB == 1
    assert "up to 1 MB" in box.proto.label
    # one byte over the box's limit is refused by the app too, with the limit in words
    _, problems = S.read_upload("big.toml", b"#" * (1024 * 1024 + 1))
    assert problems and "at most 1 MB" in problems[0][1]
    assert S.read_upload("ok.toml", b"# a comment\n" + b"#" * 1000)[1] == []
