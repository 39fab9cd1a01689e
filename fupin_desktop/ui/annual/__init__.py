"""年检年报: inspections and their attachments."""
