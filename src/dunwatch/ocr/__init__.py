"""Offline OCR of chat screenshots: the engine (RapidOCR), the conversation rebuilt from its lines,
and the chat apps' time separators. Choice and figures: docs/ocr.md."""
