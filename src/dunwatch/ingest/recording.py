"""Call recordings (m4a, 3gp, amr, mp3, wav, ogg/opus) → one `call` event, with a transcript when a
speech model is at hand.

The recording is stored byte-for-byte like any evidence; decoding (ffmpeg, to 16 kHz mono PCM in
memory) is derived and never written over it. Duration comes from ffprobe (Debian's ffmpeg).
Transcription uses faster-whisper (CTranslate2) with a model folder the user already has:
`import --asr-model PATH` or DUNWATCH_ASR_MODEL; nothing is ever downloaded (the Hugging Face hub
is switched off while the model loads). Without a model, the call event is made without text and
the import says how to enable transcription.

Phone recorders name their files with the other party and the time (MIUI `张三(13800138000)_20260305214703.mp3`,
`通话录音_13800138000_20260305214703.m4a`, Samsung `Call recording 13800138000_260305_214703.m4a`);
the number and time are read from there, else the container's creation_time, else the file's
modification time. A recording does not say who dialled: the event is written as from the other
party to the owner, with raw `direction` = `unknown`. A recording proves the call was answered.

The locator is `audio t=0-DURATION`; each transcript segment in raw carries its own `t=START-END`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import wave
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dunwatch.errors import UserError
from dunwatch.i18n import register, t
from dunwatch.ingest.base import Reader, Sink
from dunwatch.ingest.staging import OWNER

register({
    "rec.no_asr": (
        "未转写：没有语音识别模型。录音已作为证据保存，通话事件已建立（无文字）。"
        "如需转写：pip install faster-whisper，并把已下载的 faster-whisper 模型目录传给 --asr-model 目录"
        "（或设置环境变量 DUNWATCH_ASR_MODEL）；dunwatch 不会联网下载模型。",
        "Not transcribed: no speech model. The recording is kept as evidence and the call event made (without text). "
        "To transcribe: pip install faster-whisper and pass a faster-whisper model folder you already have with "
        "--asr-model FOLDER (or set DUNWATCH_ASR_MODEL); dunwatch never downloads a model."),
    "rec.no_faster_whisper": (
        "未转写：已指定模型 {model}，但未安装 faster-whisper（pip install faster-whisper）。录音已保存，通话事件无文字。",
        "Not transcribed: model {model} given but faster-whisper is not installed (pip install faster-whisper). "
        "The recording is kept and the call event made without text."),
    "rec.bad_model": ("语音模型目录无效（需含 model.bin 与 tokenizer.json）：{model}",
                      "not a faster-whisper model folder (needs model.bin and tokenizer.json): {model}"),
    "rec.model_failed": ("语音模型无法加载：{message}", "the speech model could not be loaded: {message}"),
    "rec.no_ffmpeg": ("未找到 ffprobe/ffmpeg，时长未知（Debian/Ubuntu：apt-get install ffmpeg）",
                      "ffprobe/ffmpeg not found, duration unknown (Debian/Ubuntu: apt-get install ffmpeg)"),
    "rec.undecodable": ("无法解码音频：{message}", "cannot decode the audio: {message}"),
    "rec.transcribed": ("已转写 {n} 段（模型 {model}，语言 {lang}）", "transcribed {n} segment(s) (model {model}, language {lang})"),
})

NAME = "call-recording"
_NAME_TIME = re.compile(r"(?<!\d)(20\d{2}|\d{2})[-_.]?([01]\d)[-_.]?([0-3]\d)[-_ ]?([0-2]\d)[-_.:]?([0-5]\d)[-_.:]?([0-5]\d)(?!\d)")
_NAME_NUMBER = re.compile(r"(?<!\d)(\+?\d[\d\- ]{4,18}\d)(?!\d)")
_FTYP_AUDIO = (b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"3gp4", b"3gp5", b"3gp6", b"3gs7", b"3g2a")
SAMPLE_RATE = 16_000


def _mp3_frame(head: bytes) -> bool:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


class CallRecording(Reader):
    name = NAME
    reads = {"zh-CN": "通话录音（m4a、amr、mp3、wav、ogg；可离线转写）",
             "en": "Call recordings (m4a, amr, mp3, wav, ogg; offline transcription)"}
    extensions = (".m4a", ".3gp", ".amr", ".mp3", ".wav", ".ogg", ".opus")
    source = "ISO/IEC 14496-12 ftyp, RFC 4867 §5 (AMR storage), ISO/IEC 11172-3 frames, RIFF WAVE, RFC 3533 (Ogg)"

    def sniff(self, path: Path, head: bytes) -> bool:
        return (head.startswith((b"#!AMR\n", b"#!AMR-WB\n", b"ID3", b"OggS"))
                or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
                or (head[4:8] == b"ftyp" and head[8:12] in _FTYP_AUDIO)
                or _mp3_frame(head))

    def read(self, path: Path, sink: Sink) -> None:
        info = probe(path)
        duration = info.get("duration")
        if duration is None and info.get("no_ffmpeg"):
            sink.notes.append(t("rec.no_ffmpeg"))
        party, at, source = _who_and_when(path, info, sink)
        raw = {"direction": "unknown", "time_source": source, "codec": info.get("codec", ""),
               "format": info.get("format", "")}
        text = ""
        model = sink.options.get("asr_model") or os.environ.get("DUNWATCH_ASR_MODEL")
        if model:
            segments, lang = transcribe(path, Path(model), sink)
            if segments is not None:
                raw.update(transcript=[{"t": f"{s:.2f}-{e:.2f}", "text": x} for s, e, x in segments],
                           asr_model=Path(model).name, language=lang)
                text = "\n".join(x for _, _, x in segments)
                sink.notes.append(t("rec.transcribed", n=len(segments), model=Path(model).name, lang=lang))
        else:
            sink.notes.append(t("rec.no_asr"))
        span = f"{duration:.2f}" if duration is not None else ""
        sink.event(kind="call", from_party=party, to_party=OWNER, at=at, status="answered",
                   duration_s=f"{duration:.0f}" if duration is not None else "", text=text, raw=raw,
                   locator=f"audio t=0-{span}")


def probe(path: Path) -> dict:
    """Duration (s), codec, container and creation time, from ffprobe; a WAV is read without it."""
    exe = shutil.which("ffprobe")
    if exe is None:
        try:
            with wave.open(str(path)) as w:
                return {"duration": w.getnframes() / w.getframerate(), "codec": "pcm", "format": "wav"}
        except (wave.Error, EOFError, OSError):
            return {"no_ffmpeg": True}
    proc = subprocess.run([exe, "-v", "error", "-show_entries",
                           "format=duration,format_name:format_tags=creation_time:stream=codec_type,codec_name",
                           "-of", "json", str(path)], capture_output=True, text=True, timeout=120)
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        data = {}
    audio = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    fmt = data.get("format", {})
    if proc.returncode != 0 or not audio:
        message = (proc.stderr.strip().splitlines() or ["no audio stream"])[-1]
        raise UserError(t("rec.undecodable", message=message), path)
    try:
        duration = float(fmt["duration"])
    except (KeyError, TypeError, ValueError):
        duration = None
    return {"duration": duration, "codec": audio[0].get("codec_name", ""), "format": fmt.get("format_name", ""),
            "created": (fmt.get("tags") or {}).get("creation_time")}


def _who_and_when(path: Path, info: dict, sink: Sink) -> tuple[str, datetime, str]:
    stem = path.stem
    when, source = None, ""
    m = _NAME_TIME.search(stem)
    if m:
        y, *rest = (int(g) for g in m.groups())
        try:
            when, source = datetime(y + 2000 if y < 100 else y, *rest, tzinfo=ZoneInfo(sink.tz)), "file name"
        except ValueError:
            when = None
    rest_of_name = stem[:m.start()] + " " + stem[m.end():] if m else stem
    if when is None and info.get("created"):
        try:
            when, source = datetime.fromisoformat(info["created"].replace("Z", "+00:00")), "container creation_time"
        except ValueError:
            when = None
    if when is None:
        when, source = datetime.fromtimestamp(path.stat().st_mtime, ZoneInfo(sink.tz)), "file time"
    number = _NAME_NUMBER.search(rest_of_name)
    return (re.sub(r"[\s\-]", "", number.group(1)) if number else ""), when, source


def decode(path: Path):
    """The recording as 16 kHz mono float32 samples, decoded in memory (the file is only read)."""
    import numpy as np

    exe = shutil.which("ffmpeg")
    if exe is None:
        from faster_whisper import decode_audio  # PyAV's own FFmpeg libraries

        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    proc = subprocess.run([exe, "-nostdin", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                           "-ar", str(SAMPLE_RATE), "-"], capture_output=True, timeout=3600)
    if proc.returncode != 0:
        raise UserError(t("rec.undecodable", message=(proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]), path)
    return np.frombuffer(proc.stdout, dtype=np.int16).astype(np.float32) / 32768.0


def transcribe(path: Path, model: Path, sink: Sink) -> tuple[list[tuple[float, float, str]] | None, str]:
    """Time-stamped segments (start s, end s, text) and the language, or (None, "") with a note why not."""
    if not (model / "model.bin").is_file() or not (model / "tokenizer.json").is_file():
        raise UserError(t("rec.bad_model", model=model), path)
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        sink.notes.append(t("rec.no_faster_whisper", model=model))
        return None, ""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: a folder never needs the hub
    try:
        asr = _model(str(model))
    except Exception as e:  # noqa: BLE001 — CTranslate2 raises RuntimeError, ValueError…; one clear line
        raise UserError(t("rec.model_failed", message=str(e).splitlines()[0] if str(e) else type(e).__name__), path) from None
    samples = decode(path)
    segments, info = asr.transcribe(samples, beam_size=1, vad_filter=False, condition_on_previous_text=False)
    out = [(float(s.start), float(s.end), s.text.strip()) for s in segments if s.text.strip()]
    return out, info.language


_MODELS: dict = {}


def _model(folder: str):
    """One loaded model per folder and process (loading costs more than a short call)."""
    if folder not in _MODELS:
        from faster_whisper import WhisperModel

        threads = len(os.sched_getaffinity(0))
        _MODELS[folder] = WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)
    return _MODELS[folder]
