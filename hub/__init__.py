"""Seatside Hub: one source of signed packs and one record of masked calls for a centre.

A FastAPI application over PostgreSQL (psycopg 3 pool, Alembic schema). It imports
no Qt; packs, masking and exports come from the Qt-free ``desktop.core``.
"""
