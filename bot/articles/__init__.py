"""The bot's article files: fetching sources safely, adding and removing articles."""
