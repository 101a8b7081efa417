"""Faster, equivalent versions of nbgrader steps that cost our parallel autograde more CPU
than the grading needs. Applied by `backprop-hw autograde` and `grade` only, never to
nbgrader's own commands.

nbgrader checks each cell's metadata with `jsonschema.validate(metadata, schema)`, which
first checks the schema itself against the JSON-Schema meta-schema: for a 66-cell
notebook, twice per submission, that is a tenth of a second of CPU per pass spent on a
schema that never changes. Here the schema is checked once and its validator kept; the
metadata is validated exactly as before, with the same error raised.
"""

from __future__ import annotations

import functools
import json

import jsonschema
from nbgrader.nbgraderformat import common


NBGRADER_VALIDATE_CELL = common.BaseMetadataValidator.validate_cell  # kept, for the test that compares


@functools.lru_cache(maxsize=None)
def _validator(schema_json: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


def _validate_cell(self: common.BaseMetadataValidator, cell) -> None:
    if "nbgrader" not in cell.metadata:
        return
    schema = cell.metadata["nbgrader"].get("schema_version", 0)
    if schema < self.schema_version:
        raise common.SchemaTooOldError(
            "Outdated schema version: {} (expected {})".format(schema, self.schema_version),
            schema, self.schema_version)
    if schema > self.schema_version:
        raise common.SchemaTooNewError(
            "Schema version is too new: {} (expected {})".format(schema, self.schema_version),
            schema, self.schema_version)
    validator = _validator(json.dumps(self.schema, sort_keys=True))
    error = jsonschema.exceptions.best_match(validator.iter_errors(cell.metadata["nbgrader"]))
    if error is not None:  # what jsonschema.validate raises
        raise error


def apply() -> None:
    """Install the faster metadata validation (idempotent)."""
    common.BaseMetadataValidator.validate_cell = _validate_cell
