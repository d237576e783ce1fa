"""Optimum lab: making a pack model smaller and faster for CPUs (ONNX, int8, CTranslate2).

Heavy libraries (torch, transformers, onnxruntime, faster-whisper) are imported inside the
functions that need them, so importing this package stays instant.
"""
