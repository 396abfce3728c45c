"""Python side of ML Workbench that runs inside every environment (stdlib only, Python 3.10+).

- ``python3 -m mlwb_runtime.agent``   resource agent: one JSON line of CPU/memory/GPU use per interval
- ``python3 -m mlwb_runtime.jupyter`` the images' default command: a Jupyter server configured from env
"""

__version__ = "0.1.0"
