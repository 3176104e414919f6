"""Voice notes to samples: any container PyAV (FFmpeg, opus included in its wheels) reads, as 16 kHz mono.

WhatsApp sends voice notes as audio/ogg with the opus codec; `encode_ogg_opus` makes the same for
tests and benchmarks.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

RATE = 16000


class UnreadableAudio(ValueError):
    """The bytes are not audio we can decode, or it is too long."""


def decode_audio(data: bytes, *, max_seconds: float = 180.0) -> np.ndarray:
    """Decode to 16 kHz mono int16 samples; longer than `max_seconds` is refused."""
    import av

    chunks: list[np.ndarray] = []
    total = 0
    limit = int(max_seconds * RATE)
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise UnreadableAudio("no audio stream")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    total += chunk.size
                    if total > limit:
                        raise UnreadableAudio(f"voice note longer than {max_seconds:.0f} s")
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.FFmpegError as exc:
        raise UnreadableAudio(f"cannot decode audio: {exc}") from exc
    if not chunks:
        raise UnreadableAudio("no audio in the file")
    return np.concatenate(chunks).astype(np.int16, copy=False)


def encode_ogg_opus(samples: np.ndarray, rate: int = RATE, bitrate: int = 24000) -> bytes:
    """Mono int16 samples as an Ogg/Opus file, like a WhatsApp voice note."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ogg") as container:
        stream: Any = container.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        frame = av.AudioFrame.from_ndarray(np.asarray(samples, dtype=np.int16).reshape(1, -1),
                                           format="s16", layout="mono")
        frame.sample_rate = rate
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """A WAV file's samples (mono int16) and rate, for espeak-ng output in tests and benchmarks."""
    import wave

    with wave.open(io.BytesIO(data)) as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return samples, rate
