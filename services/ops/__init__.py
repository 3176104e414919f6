"""What operators read and change outside a conversation's own data: order lists and histories,
people's standing, exports with signed links, API keys."""
