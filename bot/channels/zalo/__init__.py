"""The Zalo Bot Platform channel: a thin httpx client, update adapter, numbered-text rendering,
polling or webhook, and the outbox transport (facts: docs/deploy.md, Zalo section)."""
