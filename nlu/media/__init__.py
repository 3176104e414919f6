"""Text from photos and voice notes: OCR, audio decoding, speech recognition, LLM extraction.

Embedded defaults (rapidocr, pocketsphinx) work with no keys and no network; cloud backends
(Google Cloud Vision, OpenAI) are used when configured. Everything here is synchronous or plain
async I/O with no knowledge of the database or WhatsApp: the job in jobs/media.py runs the CPU-heavy
parts in a thread with a time limit.
"""
