"""The Telegram channel (python-telegram-bot's Bot only): updates in, replies and outbox out.

- ``updates``: an Update as the engine's plain message;
- ``sender``: replies and unprompted messages, split below Telegram's limits;
- ``inbox``: durable updates (recorded before acknowledged), answered through the engine;
- ``webhook``: the webhook server feeding the same inbox;
- ``channel``: the channel's life-cycle (start, serve by polling or webhook, close).
"""
