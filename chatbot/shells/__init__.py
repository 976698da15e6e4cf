"""The shells over the engine: the command line, the line mode and the terminal UI."""
