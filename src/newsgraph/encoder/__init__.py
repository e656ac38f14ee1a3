"""Pretrained encoders for the accurate route: recovered locally, never downloaded from a model hub."""

from __future__ import annotations

from newsgraph.encoder.convert import build_encoder, default_encoder_dir

__all__ = ["build_encoder", "default_encoder_dir"]
