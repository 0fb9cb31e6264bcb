"""The terminal: the chat session and answers rendered for a console."""
