"""Every sentence the bot says, in Vietnamese, grouped by area (one module per area)."""
