"""The Discord layer and the command line around the retrieval core."""
