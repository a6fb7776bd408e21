"""A small, dependency-free client for the modelgraph GraphQL API (urllib and json only)."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

__all__ = ["Client", "ModelgraphError", "Run"]

DatasetUse = Union[str, Tuple[str, str], Mapping[str, str]]


class ModelgraphError(Exception):
    """A failed call: ``code`` is the server's ``extensions.code`` (NOT_FOUND, BAD_USER_INPUT, CONFLICT, ...)
    or NETWORK_ERROR / HTTP_ERROR / BAD_RESPONSE; ``field`` names the bad input path, when there is one."""

    def __init__(self, message: str, code: str, field: Optional[str] = None,
                 errors: Optional[List[Dict[str, Any]]] = None, status: Optional[int] = None) -> None:
        super().__init__(f"{code}: {message}" + (f" (field: {field})" if field else ""))
        self.message = message
        self.code = code
        self.field = field
        self.errors = errors or []
        self.status = status


class Run(dict):
    """A run as the server returned it (a dict), and a context manager: leaving the block finishes the run
    FINISHED, or FAILED when the block raised (the exception is re-raised)."""

    def __init__(self, client: "Client", data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self._client = client

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        status = "FINISHED" if exc_type is None else "FAILED"
        finished = self._client.finish_run(self["id"], status=status)
        self.update(finished)
        return False


def derived_key(kind: str, *parts: Optional[str]) -> str:
    """A stable idempotency key from the parts that identify a create (at most 200 characters)."""
    digest = hashlib.sha256(json.dumps([kind, *parts]).encode("utf-8")).hexdigest()
    return f"{kind}:{digest[:48]}"


_RUN = "id name status params startedAt endedAt experiment { id name } metrics { key value step }"
_VERSION = ("id version sequence stage artifactUri artifactDigest model { id name } run { id } "
            "metrics { key value step } datasets { role datasetVersion { id version } }")
_DATASET_VERSION = "id version uri digest rowCount dataset { id name } derivedFrom { id version }"
_NODE = """__typename
  ... on Experiment { id name } ... on Run { id name status } ... on Model { id name }
  ... on ModelVersion { id version stage model { name } } ... on Dataset { id name }
  ... on DatasetVersion { id version dataset { name } } ... on Deployment { id name environment }"""


class Client:
    """``Client("http://127.0.0.1:4000/graphql", token=None)``: every method returns plain dicts (or a Run)."""

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 30.0) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    # -- transport -------------------------------------------------------------------------------------

    def execute(self, query: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Runs one GraphQL document; returns ``data`` or raises ModelgraphError."""
        body = json.dumps({"query": query, "variables": dict(variables or {})}).encode("utf-8")
        headers = {"content-type": "application/json", "accept": "application/graphql-response+json, application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        status: Optional[int] = None
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            status = error.code
            text = error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ModelgraphError(f"cannot reach {self.url}: {reason}", "NETWORK_ERROR") from error
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and payload.get("errors"):
            first = payload["errors"][0]
            extensions = first.get("extensions") or {}
            code = extensions.get("code") or ("HTTP_ERROR" if status and status >= 400 else "INTERNAL_SERVER_ERROR")
            raise ModelgraphError(first.get("message", ""), code, extensions.get("field"), payload["errors"], status)
        if status is not None and status >= 400:
            raise ModelgraphError(f"HTTP {status} from {self.url}", "HTTP_ERROR", status=status)
        if not isinstance(payload, dict) or payload.get("data") is None:
            raise ModelgraphError(f"not a GraphQL response from {self.url}", "BAD_RESPONSE", status=status)
        return payload["data"]

    def _get_or_create(self, lookup: str, create: str, name: str, extra: Mapping[str, Any]) -> Dict[str, Any]:
        found = self.execute(f"query($name: String!) {{ {lookup}(name: $name) {{ id name }} }}", {"name": name})[lookup]
        if found:
            return found
        mutation = f"create{create[0].upper()}{create[1:]}" if create != "registerModel" else create
        input_type = f"{mutation[0].upper()}{mutation[1:]}Input"
        try:
            data = self.execute(f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ id name }} }}",
                                {"input": {"name": name, **extra}})
            return data[mutation]
        except ModelgraphError as error:
            # Created meanwhile by another caller: read it.
            if error.code != "CONFLICT":
                raise
            again = self.execute(f"query($name: String!) {{ {lookup}(name: $name) {{ id name }} }}", {"name": name})[lookup]
            if not again:
                raise
            return again

    # -- experiments and runs --------------------------------------------------------------------------

    def get_or_create_experiment(self, name: str, description: Optional[str] = None) -> Dict[str, Any]:
        """The experiment with this exact name, created if missing: ``{"id", "name"}``."""
        return self._get_or_create("experiment", "experiment", name, {"description": description} if description else {})

    def start_run(self, experiment_id: str, name: Optional[str] = None, params: Optional[Mapping[str, Any]] = None,
                  inputs: Optional[Sequence[str]] = None, git_repo: Optional[str] = None,
                  git_commit: Optional[str] = None, idempotency_key: Optional[str] = None) -> Run:
        """Starts a RUNNING run; ``inputs`` are dataset version ids it reads. Usable as ``with ... as run:``."""
        run_input: Dict[str, Any] = {"experimentId": experiment_id}
        for key, value in (("name", name), ("params", dict(params) if params is not None else None),
                           ("inputDatasetVersionIds", list(inputs) if inputs else None), ("gitRepo", git_repo),
                           ("gitCommit", git_commit), ("idempotencyKey", idempotency_key)):
            if value is not None:
                run_input[key] = value
        data = self.execute(f"mutation($input: StartRunInput!) {{ startRun(input: $input) {{ {_RUN} }} }}", {"input": run_input})
        return Run(self, data["startRun"])

    def log_metrics(self, run_id: str, metrics: Mapping[str, float], step: Optional[int] = None) -> Dict[str, Any]:
        """Appends one point per key (at ``step`` when given); returns the run with its latest metrics."""
        points = [{"key": k, "value": float(v), **({"step": step} if step is not None else {})} for k, v in metrics.items()]
        data = self.execute(f"mutation($runId: ID!, $metrics: [MetricInput!]!) {{ logRunMetrics(runId: $runId, metrics: $metrics) {{ {_RUN} }} }}",
                            {"runId": run_id, "metrics": points})
        return data["logRunMetrics"]

    def finish_run(self, run_id: str, status: str = "FINISHED") -> Dict[str, Any]:
        """Ends the run: FINISHED, FAILED or KILLED."""
        data = self.execute(f"mutation($runId: ID!, $status: RunStatus!) {{ finishRun(runId: $runId, status: $status) {{ {_RUN} }} }}",
                            {"runId": run_id, "status": status})
        return data["finishRun"]

    # -- data ------------------------------------------------------------------------------------------

    def create_dataset_version(self, dataset_name: str, uri: str, digest: str, row_count: Optional[int] = None,
                               derived_from: Optional[Iterable[str]] = None, version: Optional[str] = None,
                               schema: Optional[Any] = None, idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        """A new version of the dataset (created if missing). Unless given, the idempotency key derives from
        (dataset name, digest, uri): registering the same data again returns the same version."""
        dataset = self._get_or_create("dataset", "dataset", dataset_name, {})
        version_input: Dict[str, Any] = {
            "datasetId": dataset["id"], "uri": uri, "digest": digest,
            "idempotencyKey": idempotency_key or derived_key("dataset-version", dataset_name, digest, uri),
        }
        for key, value in (("rowCount", row_count), ("version", version), ("schema", schema),
                           ("derivedFromIds", list(derived_from) if derived_from else None)):
            if value is not None:
                version_input[key] = value
        data = self.execute(f"mutation($input: CreateDatasetVersionInput!) {{ createDatasetVersion(input: $input) {{ {_DATASET_VERSION} }} }}",
                            {"input": version_input})
        return data["createDatasetVersion"]

    # -- models ----------------------------------------------------------------------------------------

    def register_version(self, model_name: str, artifact_uri: str, artifact_digest: Optional[str] = None,
                         run_id: Optional[str] = None, metrics: Optional[Mapping[str, float]] = None,
                         datasets: Optional[Sequence[DatasetUse]] = None, idempotency_key: Optional[str] = None,
                         versioning_scheme: str = "INTEGER", **extra: Any) -> Dict[str, Any]:
        """Registers a version of the model, creating the model (with ``versioning_scheme``) if missing.

        ``datasets``: dataset version ids (role TRAINING), ``(id, role)`` pairs or ``{"datasetVersionId", "role"}``.
        ``extra``: any other CreateModelVersionInput field by its GraphQL name (``bump``, ``version``, ``signature``...).
        Unless given, the idempotency key derives from (model name, artifact digest or else URI, run id): a
        retried call never registers twice, and a new artifact never collides with an earlier one."""
        self._get_or_create("model", "registerModel", model_name, {"versioningScheme": versioning_scheme})
        version_input: Dict[str, Any] = {
            "modelName": model_name, "artifactUri": artifact_uri,
            "idempotencyKey": idempotency_key or derived_key("model-version", model_name, artifact_digest or artifact_uri, run_id),
            **extra,
        }
        if artifact_digest is not None:
            version_input["artifactDigest"] = artifact_digest
        if run_id is not None:
            version_input["runId"] = run_id
        if metrics:
            version_input["metrics"] = [{"key": k, "value": float(v)} for k, v in metrics.items()]
        if datasets:
            version_input["datasets"] = [_dataset_use(d) for d in datasets]
        data = self.execute(f"mutation($input: CreateModelVersionInput!) {{ createModelVersion(input: $input) {{ {_VERSION} }} }}",
                            {"input": version_input})
        return data["createModelVersion"]

    def promote(self, model_name: str, version: str, stage: str, comment: Optional[str] = None) -> Dict[str, Any]:
        """Moves ``version`` (its label) of the model to ``stage`` (NONE, STAGING, PRODUCTION, ARCHIVED)."""
        found = self.execute("query($m: String!, $v: String!) { modelVersion(model: $m, version: $v) { id } }",
                             {"m": model_name, "v": str(version)})["modelVersion"]
        if not found:
            raise ModelgraphError(f"version {version} of model {model_name!r} not found", "NOT_FOUND", "version")
        data = self.execute(f"mutation($id: ID!, $stage: Stage!, $comment: String) {{ transitionStage(versionId: $id, stage: $stage, comment: $comment) {{ {_VERSION} }} }}",
                            {"id": found["id"], "stage": stage.upper(), "comment": comment})
        return data["transitionStage"]

    def lineage(self, id: str, direction: str = "BOTH", max_depth: int = 10) -> Dict[str, Any]:
        """``{"root", "nodes": [{"depth", "node"}], "edges": [{"from", "to", "relation", "role"}], "truncated"}``."""
        query = f"""query($id: ID!, $direction: LineageDirection!, $maxDepth: Int!) {{
          lineage(id: $id, direction: $direction, maxDepth: $maxDepth) {{
            root {{ {_NODE} }} nodes {{ depth node {{ {_NODE} }} }} edges {{ from to relation role }} truncated }} }}"""
        return self.execute(query, {"id": id, "direction": direction.upper(), "maxDepth": max_depth})["lineage"]


def _dataset_use(use: DatasetUse) -> Dict[str, str]:
    if isinstance(use, str):
        return {"datasetVersionId": use, "role": "TRAINING"}
    if isinstance(use, tuple):
        return {"datasetVersionId": use[0], "role": use[1].upper()}
    return {"datasetVersionId": use["datasetVersionId"], "role": use.get("role", "TRAINING").upper()}
