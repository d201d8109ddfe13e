"""The composition root: settings, the ``hub`` CLI and the embedded-stack launcher."""
