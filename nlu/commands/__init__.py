"""Command-line sub-commands owned by the NLU (registered by bot.cli)."""
