"""The Zalo channel (Zalo Bot Platform): updates in, replies and outbox out.

- ``api``: a small client of the Bot API (httpx), errors by Zalo's codes;
- ``updates``: a Zalo update as the engine's plain message;
- ``sender``: replies (choices as numbered options) and unprompted messages, split at 2,000;
- ``inbox``: durable updates (recorded before the next getUpdates), answered through the engine;
- ``webhook``: the webhook handler feeding the same inbox;
- ``channel``: the life-cycle of one or several bots (start, serve, close).

Zalo has no acknowledgement: an update is gone once a getUpdates call returned it, so each is
committed to the inbox before anything else happens (see the README's Zalo section).
"""
