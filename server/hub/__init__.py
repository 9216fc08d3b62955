"""The province hub: one PostgreSQL holding every commune centre's queue history, fed by each
centre's sync client (server/hub/push.py) through the protocol in `protocol.py` (docs/hub.md)."""
