"""One Discord feature per cog."""
