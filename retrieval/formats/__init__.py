"""Article file formats: plain text, Markdown, HTML and PDF, all read into one Article shape."""
