"""Rich renderables shared by the CLI, the app and the export (no Textual here)."""
