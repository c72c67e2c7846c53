"""`rempart intel train`: train the message model (``rempart.intel.model``) from a folder of
labelled messages and write it where ``message_signals`` reads it (by default the file shipped
with the package, so that a change to ``bench/intel`` is followed by a retraining)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rempart.cli.common import console

app = typer.Typer(
    help="Message intelligence: the statistical model / Renseignement : le modèle statistique.",
    no_args_is_help=True,
)


@app.command("train")
def train_model(
    folder: Annotated[
        Path,
        typer.Argument(help='Folder of labelled messages (*.jsonl: {"text", "kinds"}).'),
    ] = Path("bench/intel"),
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the model (default: the package's own file)."),
    ] = None,
) -> None:
    """Train the message model on labelled messages / Entraîner le modèle sur des messages
    annotés."""
    from rempart.intel.messages import KINDS
    from rempart.intel.model import MODEL_FILE
    from rempart.intel.training import corpus_rows, train

    if not folder.is_dir():
        raise typer.BadParameter(f"not a folder: {folder}")
    rows = corpus_rows(folder)
    if not rows:
        raise typer.BadParameter(f"no labelled messages in {folder}")
    model = train(rows, KINDS)
    target = out or MODEL_FILE
    model.save(target)
    console.print(
        f"{len(rows)} messages, {len(model.char_vocabulary)} character n-grams, "
        f"{len(model.word_vocabulary)} words and pairs -> {target}",
        highlight=False,
    )
