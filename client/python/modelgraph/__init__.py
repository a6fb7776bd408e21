"""Python client for the modelgraph registry: experiments, runs, datasets, model versions, stages, lineage."""

from .client import Client, ModelgraphError, Run

__all__ = ["Client", "ModelgraphError", "Run"]
__version__ = "0.1.0"
