"""The conversation engine: pure Python, no user-interface imports."""
