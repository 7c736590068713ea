"""The review desk: a small web application beside Dagster where recruiters and marketers judge,
approve, reject or send back the creatives of a campaign and download what ships, with the JSON
API under it (`/api/v1`, OpenAPI at `/api/openapi.json`).

Dagster stays the one truth: runs are launched through its GraphQL API and read from the
instance, decisions are the runless observations on `final_creatives` that `approvals.py` writes,
and images come from the project's storage. Start it with `python -m creative_assets.desk serve`
(or `make dev`, which starts the Dagster UI beside it); docs/desk.md has the rest.
"""
