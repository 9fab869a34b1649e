"""`python -m edge_sdk`: the CLI without the console-script shim (tests run it in a fresh process)."""

from edge_sdk.cli import main

main()
