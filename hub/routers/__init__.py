"""The hub's HTTP API, one router per domain (the lead's pages live in ``hub.web``)."""
