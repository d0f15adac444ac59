"""What users run: the `ontcijferd` command line, indicator exports and the static report."""
