"""The Textual shell: screens over the engine, styles in rehearse.tcss."""
