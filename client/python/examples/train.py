"""A training job that records itself in modelgraph: its data, its run and metrics, the model it produced.

    PYTHONPATH=client/python MODELGRAPH_URL=http://127.0.0.1:4000/graphql python3 client/python/examples/train.py

Prints one JSON line: the ids and labels it registered. Running it again registers the same data
version (same digest) but a new run, and so a new model version.
"""

import hashlib
import json
import os
import random

from modelgraph import Client

client = Client(os.environ.get("MODELGRAPH_URL", "http://127.0.0.1:4000/graphql"), token=os.environ.get("MODELGRAPH_TOKEN"))
model_name = os.environ.get("MODEL_NAME", "iris-classifier")

# The data: a snapshot and the cleaned table derived from it (digests of their content).
rows = [(5.1, 3.5, 1.4, 0.2, "setosa"), (7.0, 3.2, 4.7, 1.4, "versicolor"), (6.3, 3.3, 6.0, 2.5, "virginica")] * 50
raw_bytes = json.dumps(rows).encode()
raw = client.create_dataset_version("iris-raw", "s3://datasets/iris/raw.json", "sha256:" + hashlib.sha256(raw_bytes).hexdigest(), row_count=len(rows))
clean_bytes = json.dumps(rows[:120]).encode()
clean = client.create_dataset_version("iris-clean", "s3://datasets/iris/clean.json", "sha256:" + hashlib.sha256(clean_bytes).hexdigest(),
                                      row_count=120, derived_from=[raw["id"]])

experiment = client.get_or_create_experiment("iris")
params = {"learning_rate": 0.1, "epochs": 3, "seed": 7}
random.seed(params["seed"])

with client.start_run(experiment["id"], params=params, inputs=[clean["id"]]) as run:
    accuracy = 0.6
    for epoch in range(params["epochs"]):
        accuracy += (1 - accuracy) * params["learning_rate"] * 3 + random.random() * 0.01
        client.log_metrics(run["id"], {"accuracy": round(accuracy, 4), "loss": round(1 - accuracy, 4)}, step=epoch)
    weights = json.dumps({"run": run["id"], "accuracy": round(accuracy, 4)}).encode()
    version = client.register_version(
        model_name,
        artifact_uri=f"s3://models/{model_name}/{run['id']}/model.json",
        artifact_digest="sha256:" + hashlib.sha256(weights).hexdigest(),
        run_id=run["id"],
        metrics={"accuracy": round(accuracy, 4)},
        datasets=[(clean["id"], "training")],
    )

staged = client.promote(model_name, version["version"], "staging")
print(json.dumps({
    "datasets": {"raw": raw["id"], "clean": clean["id"], "clean_version": clean["version"]},
    "experiment": experiment["id"],
    "run": {"id": run["id"], "status": run["status"]},
    "model_version": {"id": version["id"], "version": version["version"], "stage": staged["stage"]},
}))
