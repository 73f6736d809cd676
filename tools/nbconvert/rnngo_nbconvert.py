"""nbconvert preprocessors for the project's notebooks.

MergeStreams merges consecutive stream outputs of the same name (stdout after
stdout) in every cell, after execution, keeping their order relative to the
displays between them: what JupyterLab's output area shows and what nbclient
before 0.10 stored. nbclient 0.10 stores each message of the kernel as its own
output, so a GoNB cell's `fmt.Println()` became an output of its own ("\\n"),
and a cell's lines were split at random points; nbclient's coalesce_streams
option instead merges all of a cell's stdout into one output, moving lines
printed after a table or plot before it. Used by scripts/export.sh and
internal/nbrun (PYTHONPATH=tools/nbconvert,
--NotebookExporter.preprocessors=rnngo_nbconvert.MergeStreams).
"""

from nbconvert.preprocessors import Preprocessor


class MergeStreams(Preprocessor):
    """Merge consecutive stream outputs of the same name within each cell."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") != "code" or not cell.get("outputs"):
            return cell, resources
        merged = []
        for out in cell.outputs:
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
                prev["text"] = prev["text"] + out["text"]
            else:
                merged.append(out)
        cell.outputs = merged
        return cell, resources
