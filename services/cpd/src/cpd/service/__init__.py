"""CPD use cases: one function per command or event handler, each in one unit of work."""
