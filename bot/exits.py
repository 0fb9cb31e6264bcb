"""The command line's exit codes, shared by the terminal and the Discord launcher."""

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
