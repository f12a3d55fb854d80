"""Reply texts and labels: how units, indicators, reports and refusals read in a message.

Feature modules decide what to answer; these modules word it (through gettext).
"""
