"""How many passages an answer shows: the default and the most a caller may ask for."""

DEFAULT_TOP_K = 3
MAX_TOP_K = 10
