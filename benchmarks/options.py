"""The embedded model's command-line options shared by the benchmarks that load it."""

from __future__ import annotations

import argparse

from briefbot.config import EmbeddedSettings


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """--model (default: the default embedded model) and --threads (default: every core)."""
    parser.add_argument("--model", default=EmbeddedSettings().model, help="an embedded model")
    parser.add_argument(
        "--threads", type=int, help="CPU threads for the model (default: every core)"
    )


def embedded_settings(arguments: argparse.Namespace) -> EmbeddedSettings:
    return EmbeddedSettings(model=arguments.model, threads=arguments.threads)
