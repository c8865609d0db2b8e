"""Seatside (坐席助手): a desktop companion for bank call-centre seats."""

__version__ = "0.1.0"
