"""The Discord layer: client, cogs, views, rendering within Discord limits, running."""
