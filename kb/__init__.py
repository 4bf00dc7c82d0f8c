"""kb: hybrid search over Dutch policy documents (library; no I/O to the terminal)."""

import os

# These libraries phone home or reach for a model hub when imported; this machine (and CI)
# has no network, so switch that off before any of them can be imported through us.
for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("TRANSFORMERS_OFFLINE", "1"),
):
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
