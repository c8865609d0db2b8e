"""The seat's side of the centre's hub, and what both sides agree on.

``sync`` (enrolment, the outbox of ended calls, signed packs), ``hub_protocol`` (API
paths, bundle signing and the limits of the call record and heartbeat), ``hub_records``
(the pydantic call record and heartbeat both sides use), ``backoff`` (waits between polls)
and ``net`` (network rules shared with the hub).
"""
